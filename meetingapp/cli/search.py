"""``search`` and ``ask``: find what was said, answer with citations.

Both first heal the vector index if it is missing or stale (progress on
stderr), so they work right after the vectors folder was deleted. The
engine is imported when a command runs: chromadb alone takes ~1 s to
import, which every other command would otherwise pay.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from meetingapp.cli.dates import iso_day
from meetingapp.cli.progress import Percent
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.times import clock
from meetingapp.library import Library


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return n


def cmd_search(args: argparse.Namespace) -> int:
    from meetingapp.engine.search import SearchQuery

    q = SearchQuery(
        args.query,
        type=args.type,
        date_from=args.date_from,
        date_to=args.date_to,
        speaker=args.speaker,
        meeting_id=args.meeting,
        offset=(args.page - 1) * args.limit,
        limit=args.limit,
    )
    show = Percent("updating the search index")
    results = Library().search(q, progress=show)
    show.end()
    if args.json:
        hits = [asdict(h) for h in results.hits]
        print(json.dumps({"page": args.page, "hits": hits}, ensure_ascii=False, indent=1))
        return 0
    if not results.hits:
        if args.page == 1:
            print(f'no matches for "{args.query}": nothing in your meetings is close enough')
        else:
            print(f"no matches on page {args.page}")
        return 0
    for h in results.hits:
        at = clock(h.start) if h.start is not None else "-"
        who = f"{h.speaker}: " if h.speaker else ""
        kinds = h.tags if h.kind == "segment" else [h.kind]
        tags = "".join(f"  ({k.replace('_', ' ')})" for k in kinds)
        print(f"{h.meeting_id:>4}  {h.meeting_date[:10]}  {at:>7}  {h.meeting_title}{tags}")
        print(f"      {who}{h.snippet}")
    if results.candidates > q.offset + q.limit:
        print(f"(more: --page {args.page + 1})", file=sys.stderr)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from meetingapp.engine.ask import where

    library = Library()
    model = Path(args.model).expanduser() if args.model else library.settings().llm_path()
    show = Percent("updating the search index")
    answer = library.ask(args.question, model, progress=show)
    show.end()
    if args.json:
        print(json.dumps(asdict(answer), ensure_ascii=False, indent=1))
        return 0
    print(answer.text)
    if answer.generated:
        print()
        for n, c in enumerate(answer.citations, 1):
            print(f"[{n}] {where(c)}: {c.text}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``search`` and ``ask`` on the main parser's subcommands."""
    s = sub.add_parser("search", help="find what was said in any meeting")
    s.add_argument("query")
    s.add_argument("--type", choices=MEETING_TYPES, help="only meetings of this type")
    s.add_argument("--from", dest="date_from", type=iso_day, metavar="DATE")
    s.add_argument("--to", dest="date_to", type=iso_day, metavar="DATE")
    s.add_argument("--speaker", metavar="NAME")
    s.add_argument("--meeting", type=int, metavar="ID", help="only this meeting")
    s.add_argument("--limit", type=_positive, default=10, metavar="N", help="hits per page")
    s.add_argument("--page", type=_positive, default=1, metavar="N")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    a = sub.add_parser("ask", help="answer a question from the meetings, with citations")
    a.add_argument("question")
    a.add_argument("--model", metavar="PATH", help="a local GGUF language model")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_ask)
