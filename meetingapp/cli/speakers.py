"""`meetingapp speakers …`: people known across meetings, and fixing who said what."""

from __future__ import annotations

import argparse
from pathlib import Path

from meetingapp.library import Library


def cmd_list(args: argparse.Namespace) -> int:
    library = Library()
    if args.meeting is not None:
        proposed = library.proposed_names(args.meeting)
        for s in library.meeting_speakers(args.meeting):
            hint = f"  (is it {s.suggested_name}?)" if s.suggested_name else ""
            score = f" {s.score:.2f}" if s.score is not None else ""
            status = "heard" if s.heard else s.status
            print(f"{s.label:<12} {s.name:<20} {status:<10}{score}{hint}")
            if s.heard:
                print(f"{'':<12} named from the talk: {s.heard}")
                print(f"{'':<12} (undo: speakers unname {s.name!r} --meeting {args.meeting})")
            if p := proposed.get(s.name):
                verdict = "is" if p.applied else "may be"
                said = "; ".join(p.evidence[:2])
                print(f"{'':<12} {verdict} {p.name} ({p.confidence:.2f}, from the talk: {said})")
        return 0
    profiles = library.profiles()
    if not profiles:
        print("no speaker profiles yet: `meetingapp speakers enroll NAME FILE`")
    for p in profiles:
        print(
            f"{p.name:<20} {p.embeddings:>3} voice sample(s)  {p.meetings:>3} meeting(s)  "
            f"updated {p.updated_at[:16]}"
        )
        if p.needs_reenrollment:
            print(f"{'':<20} enrolled before voice samples were kept: only suggested, never")
            print(f"{'':<20} named automatically, until enrolled again: speakers enroll")
            print(f"{'':<20} {p.name!r} --again (from the meetings where you named it) or FILE")
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    library = Library()
    if args.again:
        profile = library.enroll_again(args.name)
    elif args.meeting is not None:
        profile = library.enroll_segments(args.name, args.meeting, args.segment or [])
    else:
        profile = library.enroll_files(args.name, [Path(f) for f in args.files])
    print(f"{profile.name}: {profile.embeddings} voice sample(s)")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    if args.meeting is not None:
        Library().name_speaker(args.meeting, args.old, args.new, learn=not args.no_learn)
    else:
        Library().rename_profile(args.old, args.new)
    return 0


def cmd_unname(args: argparse.Namespace) -> int:
    print(Library().unname_heard(args.meeting, args.name))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    if args.meeting is not None:
        Library().merge_speakers(args.meeting, args.keep, args.drop)
    else:
        Library().merge_profiles(args.keep, args.drop)
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    Library().forget_profile(args.name)
    return 0


def cmd_reassign(args: argparse.Namespace) -> int:
    Library().reassign(args.meeting, args.segment, args.name)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("speakers", help="speaker profiles and corrections")
    ss = s.add_subparsers(dest="speakers_command", metavar="ACTION", required=True)

    p = ss.add_parser("list", help="known people, or one meeting's speakers (--meeting)")
    p.add_argument("--meeting", type=int)
    p.set_defaults(func=cmd_list)

    p = ss.add_parser("enroll", help="learn a person's voice from recordings or segments")
    p.add_argument("name")
    p.add_argument("files", nargs="*", metavar="FILE")
    p.add_argument("--meeting", type=int, help="take the voice from this meeting…")
    p.add_argument("--segment", type=int, action="append", help="…these segment numbers")
    p.add_argument(
        "--again", action="store_true", help="from every meeting where you named this voice"
    )
    p.set_defaults(func=cmd_enroll)

    p = ss.add_parser("rename", help="rename a profile, or name a speaker in a meeting (--meeting)")
    p.add_argument("old", help="profile name, or the meeting speaker's name/label")
    p.add_argument("new")
    p.add_argument("--meeting", type=int)
    p.add_argument("--no-learn", action="store_true", help="don't add this voice to the profile")
    p.set_defaults(func=cmd_rename)

    p = ss.add_parser("unname", help="undo a name learnt from a meeting's conversation")
    p.add_argument("name", help="the meeting speaker's name")
    p.add_argument("--meeting", type=int, required=True)
    p.set_defaults(func=cmd_unname)

    p = ss.add_parser("merge", help="two profiles (or two speakers of --meeting) are one person")
    p.add_argument("keep")
    p.add_argument("drop")
    p.add_argument("--meeting", type=int)
    p.set_defaults(func=cmd_merge)

    p = ss.add_parser("forget", help="delete a profile and its voice data")
    p.add_argument("name")
    p.set_defaults(func=cmd_forget)

    p = ss.add_parser("reassign", help="give segments of a meeting to another speaker")
    p.add_argument("meeting", type=int)
    p.add_argument("name")
    p.add_argument("segment", type=int, nargs="+", metavar="SEGMENT")
    p.set_defaults(func=cmd_reassign)
