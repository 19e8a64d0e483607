"""Speaker turns: who says what in a record, with exact offsets into its stored text.

Three shapes of record are read, line by line:
- verbatim transcripts: a label line opens a turn ("Đại biểu Nguyễn Thị Lan (Đoàn ĐBQH
  tỉnh Hậu Giang):"), which runs to the next label, agenda heading or stage direction
  ("(Vỗ tay)");
- minutes: header lines (Chủ trì:, Thư ký:, Thành phần:) name people without opening a
  turn, numbered opinions open one ("1. Ông Trần Văn An - Chủ tịch UBND huyện phát
  biểu:"), and the paragraphs under KẾT LUẬN are the chair's;
- reports: a paragraph whose first clause names who speaks (see reported.py).
Text no rule attributes stays unattributed: precision first.
"""
from __future__ import annotations

from typing import List, Optional

from ...turnform import speaker_key
from .labels import LABEL_LINE, Label, header, heading, is_stage_direction, parse_label
from .people import Registry, Speaker, find_name
from .reported import appositions, reported_speaker

__all__ = ["extract_turns"]

_CHAIRS = ("chủ trì", "chủ tọa")
# The record's own closing lines, after a conclusion: not the chair's words.
_CLOSINGS = ("Cuộc họp", "Phiên họp", "Hội nghị kết thúc", "Biên bản", "Kỳ họp", "Buổi làm việc")


class _Turns:
    def __init__(self, text: str):
        self.text = text
        self.people = Registry()
        self.turns: List[dict] = []
        self.section = ""
        self.open: Optional[dict] = None
        self.conclusion = False  # under a KẾT LUẬN heading: the chair's words

    def close(self) -> None:
        turn, self.open = self.open, None
        if turn is not None and turn["end"] > turn["start"]:
            self.turns.append(turn)

    def start(self, speaker: Speaker, role: str, start: int, end: int, kind: str = "label") -> dict:
        self.people.spoke(speaker)
        return {"start": start, "end": end, "speaker": speaker.name, "role": role,
                "key": speaker.key, "section": self.section, "kind": kind}

    def line(self, start: int, end: int) -> None:
        text = self.text
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            return
        lead = start + len(line) - len(line.lstrip())
        tail = start + len(line.rstrip())
        # Labels and header lines have their colon early: most lines of prose skip both.
        early_colon = ":" in line[:220]
        word = header(line) if early_colon else None
        if word is not None:
            self.close()
            self.conclusion = False
            self._header(word, line[LABEL_LINE.match(line).end():])
            return
        label = parse_label(line) if early_colon else None
        if label is not None and (not label.with_verb or label.bulleted):
            self.close()
            self.conclusion = False
            speaker = self._resolve(label)
            if speaker is not None:
                said = start + LABEL_LINE.match(line).end()
                self.open = self.start(speaker, label.role, said, tail if said < tail else said)
            return
        title = heading(line)
        if title is not None:
            self.close()
            self.section = title
            self.conclusion = speaker_key(title).startswith("kết luận")
            return
        if is_stage_direction(line):
            self.close()
            return
        if self.open is not None and label is None:
            if self.open["end"] <= self.open["start"]:
                self.open["start"] = lead
            self.open["end"] = tail
            return
        self.close()
        found = reported_speaker(line, self.people)
        if found is not None:
            speaker, said, role = found
            self.turns.append(self.start(speaker, role, start + said, tail, "reported"))
            return
        if stripped.startswith(_CLOSINGS):
            self.conclusion = False
        chair = self._chair() if self.conclusion else None
        if chair is not None:
            self.turns.append(self.start(chair, "Chủ trì", lead, tail))

    def _resolve(self, label: Label) -> Optional[Speaker]:
        people = self.people
        if label.name and label.full:
            roles = (label.role,) if label.role else ()
            speaker = people.add(label.name, label.honorific, roles)
            for part in label.role.replace(" – ", " - ").split(" - ")[:1] if label.role else ():
                people.add_alias(part, speaker.key)
            return speaker
        if label.name:
            return people.short(label.name)
        return people.by_role(label.role, min_words=2)

    def _header(self, word: str, rest: str) -> None:
        """Chủ trì: / Thư ký: / Chủ tọa: name someone the record refers to by that role."""
        found = find_name(rest)
        if found is None:
            return
        s, e, _ = found
        before = rest[:s].strip().lower()
        honorific = before.split()[-1] if before.split() else ""
        role = rest[e:].strip(" ,;.-–()")
        speaker = self.people.add(rest[s:e], honorific, (role,) if role else ())
        self.people.add_alias(word, speaker.key)

    def _chair(self) -> Optional[Speaker]:
        for word in _CHAIRS:
            speaker = self.people.by_role(word, min_words=2)
            if speaker is not None:
                return speaker
        return None


def extract_turns(text: str) -> List[dict]:
    """The turns of ``text`` (see searchidx.turnform for what a turn holds), in order."""
    reader = _Turns(text)
    reader.people = Registry(lambda people: appositions(text, people))
    position = 0
    while position <= len(text):
        end = text.find("\n", position)
        if end < 0:
            end = len(text)
        reader.line(position, end)
        position = end + 1
    reader.close()
    return reader.turns
