"""A task its owner says twice in one exchange is one action item (follow_ups.py),
and a day that says which meeting ("the minutes of tonight's meeting") is not a due
date, while one that says when ("to next Monday's review") is."""

from __future__ import annotations

import datetime as dt

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.dates import find_due, resolve_due
from meetingapp.engine.minutes.follow_ups import merge_follow_ups


def item(owner: str, task: str, start: float, due: str | None = None) -> ActionItem:
    return ActionItem(owner, task, due, due and "said", start, int(start))


def said(items: list[ActionItem]) -> list[tuple[str | None, str, str | None]]:
    return [(a.owner, a.task, a.due) for a in merge_follow_ups(items)]


def test_a_line_that_points_back_is_joined_on_and_brings_its_date() -> None:
    items = [
        item("Ada", "draft the press release", 10.0),
        item("Ada", "send it to Marco", 18.0, "2027-01-08"),
    ]
    assert said(items) == [("Ada", "draft the press release and send it to Marco", "2027-01-08")]


def test_the_same_task_said_again_keeps_the_wording_that_says_more() -> None:
    items = [
        item("Tariq", "book it", 5.0, "2027-02-01"),
        item("Tariq", "book the van from the depot", 12.0),
    ]
    assert said(items) == [("Tariq", "book the van from the depot", "2027-02-01")]
    again = [
        item("Lena", "renew the parking permits for the staff", 5.0),
        item("Lena", "get the permits renewed", 9.0, "2027-02-05"),
    ]
    assert said(again) == [("Lena", "renew the parking permits for the staff", "2027-02-05")]


def test_different_tasks_stay_apart() -> None:
    one_noun = [
        item("Omar", "run the survey with the tenants", 30.0, "2027-03-01"),
        item("Omar", "share the survey results with the board", 36.0),
    ]
    two_dates = [
        item("Sam", "email the caterer", 1.0, "2027-03-01"),
        item("Sam", "email it again", 4.0, "2027-03-04"),
    ]
    far_apart = [item("Kim", "order the banners", 1.0), item("Kim", "order more chairs", 200.0)]
    two_people = [item("Jo", "print the agenda", 1.0), item("Al", "print it twice", 3.0)]
    own_object = [  # "it" is the report, said in the same task
        item("Nadia", "bring a proposal to the review", 1.0),
        item("Nadia", "write up the incident report and share it", 6.0, "2027-06-23"),
    ]
    for items in (one_noun, two_dates, far_apart, two_people, own_object):
        assert len(merge_follow_ups(items)) == 2, items


def test_a_day_named_as_a_meetings_is_not_its_due_date() -> None:
    match = find_due("I'll circulate the notes from tonight's session within a week.")
    assert match is not None and match.phrase == "within a week"
    assert resolve_due(match.phrase, dt.date(2027, 4, 26)) == "2027-05-03"
    assert find_due("Here are the notes from today's session.") is None
    match = find_due("I'll bring a proposal to next Monday's review.")
    assert match is not None and match.phrase == "next Monday"


def test_a_sum_up_in_the_first_person_repeats_items_and_adds_none() -> None:
    items = [
        item("Lin", "email the printers about the flyers", 10.0, "2028-05-02"),
        item("Lin", "book the church hall for the open day", 70.0),
        item("Ravi", "bring the urn", 80.0),
        item("Lin", "email the printers and book the hall", 300.0, "2028-05-05"),
        item("Lin", "book a taxi for the speaker", 320.0),
    ]
    assert said(items) == [
        ("Lin", "email the printers about the flyers", "2028-05-02"),
        ("Lin", "book the church hall for the open day", "2028-05-05"),
        ("Ravi", "bring the urn", None),
        ("Lin", "book a taxi for the speaker", None),
    ]
