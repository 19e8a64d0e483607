"""Commands that read the index: search (ranked hits with snippets) and show (one document)."""
from __future__ import annotations

import json

import click

from . import output
from .arguments import (DashArgumentCommand, check_text, checked_date, checked_since, complete_ids,
                        layout_options, since_option)
from .group import State, cli, pass_state
from ..scripts.output import earlier_copies_note


@cli.command(cls=DashArgumentCommand)
@click.argument("query")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=10, show_default=True,
              help="Hits per page.")
@click.option("--page", "-p", type=click.IntRange(min=1), default=1, show_default=True,
              help="Page of hits to show.")
@click.option("--from", "date_from", metavar="DATE", help="Earliest date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", help="Latest date (a month or year includes all of it).")
@click.option("--province", metavar="NAME", help="Only this province (accents optional).")
@click.option("--speaker", metavar="NAME",
              help="Only words this speaker said (a full name or its last words, accents optional).")
@click.option("--merged", is_flag=True,
              help="With a province: the whole unit it belongs to since the 2025 merger "
              "(Tuyên Quang finds the former Hà Giang, and back).")
@since_option
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True,
              help="Rank by relevance or newest first.")
@click.option("--facets", is_flag=True,
              help="Count the hits by province, year, type, issuer, people and agencies.")
@layout_options
@click.option("--all", "match", flag_value="all",
              help="Hits hold every word (the default, unless the query reads as a question).")
@click.option("--any", "match", flag_value="any",
              help="Ranked retrieval: hits hold any word, those with every word first.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: hits, marks, facets.")
@output.color_option
@pass_state
def search(state: State, query, limit, page, date_from, date_to, province, speaker, merged, since, sort,
           facets, doc_type, number, issuer, signer, collapse, match, as_json, color) -> None:
    """Search the index with QUERY and print ranked hits with snippets.

    QUERY takes words with or without diacritics, "quoted phrases", AND, OR,
    NOT, -word, parentheses, and the fields title:, province:, people:,
    speaker: and date: (date:2023-10, date:[2023-01 TO 2023-06]), and type:, number:,
    issuer:, signer: for official documents (type:"biên bản", number:123/BC-UBND). A query may start with
    -word. A search with no hits exits with status 0; an unknown province is
    an error.

    Hits hold every word of the query (a word of several syllables where they
    stand side by side; a word typed with diacritics as typed). A question
    ("?", a question word, or more than 8 words) is ranked retrieval instead:
    hits hold any word. When no document holds every word, the output says so
    and shows those holding the most, each with the words it lacks.

    Example:

    \b
        searchidx search "nhan quyen"
        searchidx search "quyền con người" --province "Hà Giang" --facets
        searchidx search "nhân quyền" --province "Tuyên Quang" --merged
        searchidx search "-hdnd tham nhũng" --limit 3
        searchidx search "chuyen doi so" --from 2023-01 --to 2024-12 --json
        searchidx search "tham nhung hoi lo" --any
        searchidx search "nhan quyen" --since 7d
        searchidx search 'type:"biên bản" issuer:"ubnd tinh ha giang"'
        searchidx search "quyen con nguoi" --type "bao cao" --facets
        searchidx search 'speaker:"Nguyễn Thị Lan" đất đai'
    """
    from ..gazetteer import unit_names
    from ..search import Searcher

    check_text("the query", query)
    check_text("--province", province)
    for option, value in (("--type", doc_type), ("--number", number), ("--issuer", issuer),
                          ("--signer", signer), ("--speaker", speaker)):
        check_text(option, value)
    date_from = checked_date("--from", date_from)
    date_to = checked_date("--to", date_to)
    since = checked_since("--since", since)
    index = state.open()
    with Searcher(index) as searcher:
        results = searcher.search(query, limit=limit, page=page, date_from=date_from,
                                  date_to=date_to, province=province, sort=sort, facets=facets,
                                  match=match or "auto", merged=merged, since=since,
                                  doc_type=doc_type, number=number, issuer=issuer, signer=signer,
                                  collapse=collapse, speaker=speaker)
    for warning in results.warnings:
        output.warn(warning)
    if province and not merged and not results.total:
        # The other parts of its unit since 2025: the reports may be filed under them.
        others = [n for n in unit_names(province, merged=True) if n not in unit_names(province)]
        if others:
            output.warn(f"no hits in {province}; --merged also searches " + ", ".join(others))
    if as_json:
        output.json_out(results.to_dict())
        return
    _print_results(results, output.style_mode(color), output.width())


def _print_results(results, mode: str, width: int) -> None:
    count = results.hit_count
    shown = f'"{results.query}"' if '"' not in results.query else f"'{results.query}'"
    first = (results.page - 1) * results.limit + 1
    if not results.hits:
        note = f" on page {results.page} ({count} in all)" if count else ""
        output.echo(f"No hits for {shown}{note}.", mode)
    else:
        last = first + len(results.hits) - 1
        noun = "hit" if count == 1 else "hits"
        if results.hits_total is None:  # more found than were grouped: documents are counted
            noun = "document" if count == 1 else "documents"
        how = " (ranked: any word)" if results.match == "any" else ""
        output.echo(f"{count} {noun} for {shown}{how}, showing {first}-{last} "
                    f"({results.took_ms:.0f} ms)", mode)
        copies = output.copies_line(results.total - results.hits_total, results.total) \
            if results.hits_total is not None and results.total > results.hits_total else \
            output.copies_line(results.collapsed) if results.collapsed else None
        if copies:
            for line in output.wrap_marked(copies, [], width, "", "plain"):
                output.echo(line, mode)
    if results.notice:
        output.echo(f"Note: {results.notice}.", mode)
    if results.earlier_copies:
        output.echo(f"Note: {earlier_copies_note(results.earlier_copies)}.", mode)
    if results.suggestions:
        marked = (output.mark(s, mode) for s in results.suggestions)
        output.echo("Did you mean: " + " | ".join(marked), mode)
    for hit in results.hits:
        output.echo("", mode)
        head = f"{hit.rank:>3}. "
        pad = " " * len(head)
        title = hit.title or hit.id
        lines = output.wrap_marked(title, [(0, len(title))] if mode != "plain" else [], width, pad, "bold")
        lines[0] = head + lines[0].lstrip()
        score = f"score {hit.score:.2f}" if hit.score is not None else "sorted by date"
        meta = [hit.date or "no date", hit.province or "no province", hit.id, score]
        if hit.missing:
            meta.append("missing: " + ", ".join(hit.missing))
        lines += output.wrap_marked(" · ".join(meta), [], width, pad, "plain")
        for extra in output.layout_lines(hit):
            lines += output.wrap_marked(extra, [], width, pad, "plain")
        for line in lines:
            output.echo(line, mode)
        for snippet in hit.snippets:
            lines = output.wrap_marked(snippet.text, snippet.marks, width, " " * (len(head) + 2), mode)
            if lines:
                page = f"p. {snippet.page}: " if snippet.page is not None else ""
                lines[0] = " " * len(head) + "… " + page + lines[0].lstrip()
                if snippet.speaker:  # who is speaking, on its own line above the passage
                    role = f" ({snippet.role})" if snippet.role else ""
                    lines.insert(0, " " * len(head) + f"{snippet.speaker}{role}:")
            for line in lines:
                output.echo(line, mode)
    if results.facets:
        output.echo("", mode)
        for name, counts in results.facets.items():
            listed = ", ".join(f"{key} ({count})" for key, count in counts.items()) or "none"
            for line in output.wrap_marked(f"{name}: {listed}", [], width, "", "plain"):
                output.echo(line, mode)


@cli.command(cls=DashArgumentCommand)
@click.argument("doc_id", metavar="ID", shell_complete=complete_ids)
@click.option("--query", "-q", metavar="QUERY", help="Mark the words of this query in the text.")
@click.option("--speaker", metavar="NAME", help="Only this speaker's turns (accents optional).")
@click.option("--json", "as_json", is_flag=True, help="The document as JSON (marks as offsets).")
@output.color_option
@pass_state
def show(state: State, doc_id, query, speaker, as_json, color) -> None:
    """Show one document: its metadata and its text.

    ID is a document id as `search` prints it, or the path of its file as
    `show` prints it. With --query, the query's words are marked in the text
    (with --json, as [start, end] offsets into "text").

    Example:

    \b
        searchidx show 2023/hau-giang-boi-duong-nhan-quyen.txt --query "nhan quyen"
        searchidx show corpus/2023/hau-giang-boi-duong-nhan-quyen.txt
        searchidx show 2024/hau-giang-hdnd-chat-van-dat-dai.txt --speaker "nguyen thi lan"
    """
    from ..errors import SearchIdxError, quoted
    from ..search import Searcher
    from ..showing import document_record

    check_text("the id", doc_id)
    check_text("--query", query)
    check_text("--speaker", speaker)
    index = state.open()
    with Searcher(index) as searcher:
        doc = (document_record(searcher, doc_id, query)
               or document_record(searcher, _id_of_path(index, doc_id), query))
        if doc is None:  # the manifest lists a document the index lost (a killed writer)
            raise SearchIdxError(f"no document with id or path {quoted(doc_id)} in {index.path}")
        turns = searcher.speaker_turns(doc, speaker) if speaker else None
    marks = doc.get("marks") or []
    if turns is not None:
        from .speaking import print_turns

        print_turns(doc, turns, marks, speaker, as_json, output.style_mode(color), output.width())
        return
    if as_json:
        output.json_out(doc)
        return
    mode = output.style_mode(color)
    width = output.width()
    title = doc.get("title") or doc["id"]
    output.echo(click.style(title, bold=True) if mode != "plain" else title, mode)
    fields = [
        ("id", doc.get("id")),
        ("date", doc.get("date")),
        ("province", doc.get("province")),
        *output.layout_fields(doc),
        ("people", output.people_with_roles(doc)),
        ("agencies", ", ".join(doc.get("agencies") or [])),
        ("path", doc.get("path")),
        ("format", doc.get("format")),
    ]
    fields += [(str(k), json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
               for k, v in sorted((doc.get("extra") or {}).items())]
    for name, value in fields:
        if value:
            output.echo(f"{name + ':':<10} {value}", mode)
    if query:
        output.echo(f"{'marks:':<10} {len(marks)} for {query!r}", mode)
    output.echo("", mode)
    text = doc["text"]
    pos = 0
    for paragraph in text.split("\n"):
        start, end = pos, pos + len(paragraph)
        pos = end + 1
        local = [(a - start, b - start) for a, b in marks if a >= start and b <= end]
        lines = output.wrap_marked(paragraph, local, width, "", mode)
        for line in lines or [""]:
            output.echo(line, mode)


def _id_of_path(index, path: str) -> str:
    """The id of the one document read from the file at ``path``, or a one-line error."""
    from ..errors import SearchIdxError, quoted

    ids = index.ids_for_path(path)
    if len(ids) == 1:
        return ids[0]
    if ids:
        shown = ", ".join(ids[:3]) + (", …" if len(ids) > 3 else "")
        raise SearchIdxError(f"{quoted(path)} holds {len(ids)} documents: show one by its id ({shown})")
    raise SearchIdxError(f"no document with id or path {quoted(path)} in {index.path} "
                         "(give an id as search prints it, or the file's path)")
