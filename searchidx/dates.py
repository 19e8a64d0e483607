"""Every date searchidx reads or writes: found in text, given in metadata, typed by a user.

Dates are kept as ISO text of day, month or year precision ("2023-10-05", "2023-10",
"2023") and compared as YYYYMMDD integers (:func:`date_key`).
"""
from __future__ import annotations

import calendar
import re
from datetime import date as _date, datetime
from typing import Optional

from .errors import QueryError, quoted

__all__ = ["detect_date", "normalize_date", "value_date", "parse_date", "date_key", "MIN_YEAR", "MAX_YEAR"]

MIN_YEAR = 1945  # the state whose records these are begins in 1945
MAX_YEAR = 2100

# Dates are found from their year: years are rare in text and a plain character class
# lets the regex engine skip ahead fast; what precedes the year is then checked.
_YEAR = re.compile(r"[12][0-9]{3}")
_DATE_BEFORE_YEAR = re.compile(
    r"(?:(?<!\w)ngày\s+(?P<d1>[0-9]{1,2})\s+tháng\s+(?P<m1>[0-9]{1,2})\s*(?:,\s*)?(?:năm\s+|[/-]\s*)"
    # 5/10/2023, 05-10-2023, 05.10.2023: the same separator twice, not inside a longer number
    r"|(?<![\w/.,-])(?P<d2>[0-9]{1,2})(?P<sep>[/.-])(?P<m2>[0-9]{1,2})(?P=sep)"
    r"|(?<!\w)tháng\s+(?P<m3>[0-9]{1,2})\s*(?:,\s*)?(?:năm\s+|[/-]\s*))$",
    re.IGNORECASE,
)
# After a numeric date: not a document number such as "12/10/2023/QĐ" nor "5.10.2023.1".
_NOT_AFTER_NUMERIC_DATE = re.compile(r"[/-]\w|\.[0-9]")


def _valid_date(year: int, month: Optional[int] = None, day: Optional[int] = None) -> bool:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return False
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        _date(year, month, day)
    except ValueError:
        return False
    return True


def _format_date(year: int, month: Optional[int] = None, day: Optional[int] = None) -> Optional[str]:
    if not _valid_date(year, month, day):
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def detect_date(text: str) -> Optional[str]:
    """The first valid date written in the text, "YYYY-MM-DD" or "YYYY-MM", or None.

    Understands "ngày 5 tháng 10 năm 2023", "5/10/2023", "05-10-2023" (day first, as
    Vietnamese writes it), "tháng 10 năm 2023" and "tháng 10/2023". A bare "năm 2013"
    is not taken: reports cite laws and earlier years far more than their own date.
    """
    for match in _YEAR.finditer(text):
        start, end = match.span()
        if (start and text[start - 1].isdigit()) or text[end:end + 1].isdigit():
            continue
        year = int(match.group())
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        before = _DATE_BEFORE_YEAR.search(text, max(0, start - 40), start)
        if before is None:
            continue
        groups = before.groupdict()
        if groups["m1"]:
            found = _format_date(year, int(groups["m1"]), int(groups["d1"]))
        elif groups["m2"]:
            if _NOT_AFTER_NUMERIC_DATE.match(text, end):
                continue
            found = _format_date(year, int(groups["m2"]), int(groups["d2"]))
        else:
            if text[end:end + 1] == "/":
                continue
            found = _format_date(year, int(groups["m3"]))
        if found:
            return found
    return None


_ISO_DATE = re.compile(
    r"^(?P<y>[0-9]{4})(?:[-/.](?P<m>[0-9]{1,2})(?:[-/.](?P<d>[0-9]{1,2}))?)?(?:[T ][0-9:.+\-Z ]*)?$"
)
_DMY_DATE = re.compile(r"^(?:(?P<d>[0-9]{1,2})[-/.])?(?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$")


def normalize_date(value: str) -> Optional[str]:
    """A date given in metadata, in its canonical form "YYYY", "YYYY-MM" or "YYYY-MM-DD".

    Accepts "2023", "2023-10", "2023-10-05" (also with a time after it), "5/10/2023",
    "10/2023" and the Vietnamese written forms; None when it is none of them or not a
    real date.
    """
    value = str(value).strip()
    if not value:
        return None
    match = _ISO_DATE.match(value) or _DMY_DATE.match(value)
    if match:
        month = match.group("m")
        day = match.group("d")
        return _format_date(
            int(match.group("y")),
            int(month) if month else None,
            int(day) if day else None,
        )
    if "tháng" in value.lower():
        return detect_date(value)
    return None


def value_date(value: object) -> Optional[str]:
    """A metadata date (datetime, ISO text, "05/10/2023 08:30") as YYYY-MM-DD, or None."""
    if value is None:
        return None
    if isinstance(value, (datetime, _date)):
        return normalize_date(value.strftime("%Y-%m-%d"))
    text = str(value).strip()
    if text.startswith("D:") and len(text) >= 10 and text[2:10].isdigit():
        text = f"{text[2:6]}-{text[6:8]}-{text[8:10]}"  # a PDF date: D:20231005083000+07'00'
    found = normalize_date(text)
    if found is None and text:
        found = normalize_date(text.split()[0].rstrip(","))
    return found


_USER_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_USER_DMY = re.compile(r"^(?:(\d{1,2})/)?(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> str:
    """'2023', '2023-10', '2023-10-05', '10/2023' or '5/10/2023' -> ISO form; QueryError if not a date."""
    value = (value or "").strip()
    m = _USER_DATE.match(value)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
    else:
        m = _USER_DMY.match(value)
        if not m:
            raise QueryError(f"not a date: {quoted(value)} (use YYYY, YYYY-MM or YYYY-MM-DD)")
        day, month, year = m.group(1), m.group(2), m.group(3)
    y = int(year)
    if month is not None and not 1 <= int(month) <= 12:
        raise QueryError(f"not a date: {quoted(value)} (month {month})")
    if day is not None and not 1 <= int(day) <= calendar.monthrange(y, int(month))[1]:
        raise QueryError(f"not a date: {quoted(value)} (day {day})")
    out = f"{y:04d}"
    if month is not None:
        out += f"-{int(month):02d}"
        if day is not None:
            out += f"-{int(day):02d}"
    return out


def date_key(date: Optional[str], upper: bool = False) -> Optional[int]:
    """A date of day, month or year precision as YYYYMMDD for range filters.

    Unknown parts are 00 for a stored date and for a range's lower end; for an
    upper end they are the last month or day, so --to 2023-10 includes 31 October.
    """
    if not date:
        return None
    parts = date.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if upper else 0)
        day = int(parts[2]) if len(parts) > 2 else (31 if upper else 0)
    except ValueError:
        return None
    return year * 10000 + month * 100 + day
