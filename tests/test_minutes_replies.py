"""The answer to a request is the next voice's turn, and a date said in it dates the
request: "Sure. Thursday.", "Done by end of day.", even after the asker added a line."""

from __future__ import annotations

import datetime as dt

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes.extract import extract_actions
from meetingapp.engine.minutes.text import split_sentences

TUESDAY = dt.date(2027, 3, 16)


def actions(lines: list[tuple[str, str]]) -> list[tuple[str | None, str, str | None]]:
    segs = [Segment(5.0 * i, 5.0 * i + 4, t, speaker=who) for i, (who, t) in enumerate(lines)]
    return [(a.owner, a.task, a.due) for a in extract_actions(split_sentences(segs), TUESDAY)]


def test_a_date_on_its_own_after_a_yes_dates_the_request() -> None:
    said = actions(
        [
            ("Mo", "Wanjiru, could you update the donor spreadsheet?"),
            ("Wanjiru", "Sure. Thursday."),
        ]
    )
    assert said == [("Wanjiru", "update the donor spreadsheet", "2027-03-18")]


def test_done_by_a_day_takes_the_request_on() -> None:
    said = actions(
        [
            ("Mo", "Pavel, can you check the fire exits on the second floor?"),
            ("Pavel", "Done by end of day."),
        ]
    )
    assert said == [("Pavel", "check the fire exits on the second floor", "2027-03-16")]


def test_the_askers_own_next_line_does_not_hide_the_answer() -> None:
    said = actions(
        [
            ("Mo", "Tilly, can you chase the caterers about the vegan option?"),
            ("Mo", "They've gone quiet on us."),
            ("Tilly", "Okay, tomorrow morning."),
        ]
    )
    assert said == [("Tilly", "chase the caterers about the vegan option", "2027-03-17")]


def test_a_new_request_in_the_answer_keeps_its_own_date() -> None:
    said = actions(
        [
            ("Ivo", "Can you send me the rota?"),
            ("Mo", "Of course. And please confirm your shifts before the end of the month."),
        ]
    )
    assert ("Mo", "send Ivo the rota", None) in said or ("Mo", "send me the rota", None) in said
    assert all(due != "2027-03-31" for owner, _, due in said if owner == "Mo")
