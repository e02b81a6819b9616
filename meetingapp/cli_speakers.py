"""`meetingapp speakers …`: people known across meetings, and fixing who said what."""

from __future__ import annotations

import argparse
from pathlib import Path

from meetingapp.config import data_dir
from meetingapp.domain.audio import SpeechRegion
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.enroll import voice_from_file, voice_vector
from meetingapp.errors import MeetingAppError
from meetingapp.store import speakers as sp
from meetingapp.store.db import open_db
from meetingapp.store.meetings import get_meeting, load_segments


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    if args.meeting is not None:
        get_meeting(db, args.meeting)
        for s in sp.meeting_speakers(db, args.meeting):
            hint = f"  (is it {s.suggested_name}?)" if s.suggested_name else ""
            score = f" {s.score:.2f}" if s.score is not None else ""
            print(f"{s.label:<12} {s.name:<20} {s.status:<10}{score}{hint}")
        return 0
    profiles = sp.list_profiles(db)
    if not profiles:
        print("no speaker profiles yet: `meetingapp speakers enroll NAME FILE`")
    for p in profiles:
        print(
            f"{p.name:<20} {p.embeddings:>3} voice sample(s)  {p.meetings:>3} meeting(s)  "
            f"updated {p.updated_at[:16]}"
        )
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    data = data_dir()
    db = open_db(data)
    if args.meeting is not None:
        if not args.segment:
            raise MeetingAppError("which segments? add --segment N (see `meetingapp show ID`)")
        meeting = get_meeting(db, args.meeting)
        segments = load_segments(db, args.meeting)
        bad = [i for i in args.segment if not 0 <= i < len(segments)]
        if bad:
            raise MeetingAppError(f"meeting {args.meeting} has no segment {bad[0]}")
        audio = load_audio(data / meeting.source_path)
        regions = [SpeechRegion(segments[i].start, segments[i].end) for i in args.segment]
        vector = voice_vector(audio, regions)
        if vector is None:
            raise MeetingAppError("those segments hold too little speech; choose more")
        profile = sp.enroll(db, args.name, [vector], f"meeting:{args.meeting}")
    else:
        if not args.files:
            raise MeetingAppError("give recordings of the person (FILE...) or --meeting ID")
        vectors = [voice_from_file(Path(f)) for f in args.files]
        profile = sp.enroll(
            db, args.name, vectors, "file:" + ",".join(Path(f).name for f in args.files)
        )
    print(f"{profile.name}: {profile.embeddings} voice sample(s)")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    if args.meeting is not None:
        sp.name_speaker(db, args.meeting, args.old, args.new, learn=not args.no_learn)
    else:
        sp.rename_profile(db, args.old, args.new)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    if args.meeting is not None:
        keep = sp.meeting_speaker(db, args.meeting, args.keep)
        sp.name_speaker(db, args.meeting, args.drop, keep.name, learn=False)
    else:
        sp.merge_profiles(db, args.keep, args.drop)
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    sp.forget_profile(open_db(data_dir()), args.name)
    return 0


def cmd_reassign(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    sp.split_speaker(db, args.meeting, args.segment, args.name)
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
    p.set_defaults(func=cmd_enroll)

    p = ss.add_parser("rename", help="rename a profile, or name a speaker in a meeting (--meeting)")
    p.add_argument("old", help="profile name, or the meeting speaker's name/label")
    p.add_argument("new")
    p.add_argument("--meeting", type=int)
    p.add_argument("--no-learn", action="store_true", help="don't add this voice to the profile")
    p.set_defaults(func=cmd_rename)

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
