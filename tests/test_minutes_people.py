"""Minutes by name on meetings nobody enrolled (issue 15): names learnt from the
conversation, owners addressed by name, the recap merged, decisions filtered,
items written in the third person.

The written dialogues pin what the rules guarantee; the slow tests run the
same on real ASR of the six development meetings (never the held-out six,
which only benchmarks/minutes.py scores).
"""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.minutes_scoring import score_actions, score_decisions
from meetingapp.domain.minutes import action_sentence
from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes import build_minutes
from meetingapp.engine.minutes.decisions import extract_decisions
from meetingapp.engine.minutes.extract import extract_actions
from meetingapp.engine.minutes.people import alike_name, is_label, learn_people, same_name
from meetingapp.engine.minutes.rewrite import base_verb, gerund_base, participle_base, third_person
from meetingapp.engine.minutes.text import split_sentences
from meetingapp.engine.minutes.topics import extract_topics
from tests import minutes_data
from tests.minutes_data import Meeting, anonymous

MONDAY = dt.date(2026, 12, 7)


def _segments(lines: list[tuple[str, str]]) -> list[Segment]:
    return [Segment(4.0 * i, 4.0 * i + 3, text, speaker=who) for i, (who, text) in enumerate(lines)]


def _learnt(lines: list[tuple[str, str]]) -> dict[str, str]:
    people = learn_people(split_sentences(_segments(lines)))
    return {label: n.name for label, n in people.voices.items()}


def test_names_come_from_introductions_answers_and_thanks() -> None:
    learnt = _learnt(
        [
            ("Speaker 1", "Morning all. I'm Dana, I run product."),
            ("Speaker 2", "Hi, this is Marcus from the backend team."),
            ("Speaker 1", "Priya, can you take us through the numbers?"),
            ("Speaker 3", "Sure. Revenue is up eight percent."),
            ("Speaker 4", "That is better than we planned."),
            ("Speaker 1", "Thanks, Omar. Anything else?"),
        ]
    )
    assert learnt == {
        "Speaker 1": "Dana",
        "Speaker 2": "Marcus",
        "Speaker 3": "Priya",
        "Speaker 4": "Omar",
    }


def test_a_name_is_not_given_on_weak_or_contradicted_evidence() -> None:
    learnt = _learnt(
        [
            # a plain request by name needs no answer: the next voice may be anyone
            ("Speaker 1", "Jules, please update the handbook by Monday."),
            ("Speaker 2", "Do we need another meeting about this?"),
            # whoever says a name is not that person, whoever answers next
            ("Speaker 3", "Kim, what do you think?"),
            ("Speaker 3", "Great, Kim. Over to you."),
            # openers and weekdays are not names
            ("Speaker 1", "Realistically, Friday works. Great, thanks everyone."),
        ]
    )
    assert "Speaker 2" not in learnt and "Speaker 3" not in learnt
    assert set(learnt.values()) <= {"Kim"}


def test_asr_spellings_of_one_name_are_one_person() -> None:
    people = learn_people(
        split_sentences(
            _segments(
                [
                    ("Speaker 1", "Lukas, what about you?"),
                    ("Speaker 2", "I'm blocked on the staging credentials."),
                    ("Speaker 1", "Thanks Lucas."),
                ]
            )
        )
    )
    assert people.voices["Speaker 2"].name == "Lukas"
    assert people.person("Lucas") == "Lukas"
    assert people.voices["Speaker 2"].confidence > 0


def test_enrolled_names_win_and_asr_spellings_map_to_them() -> None:
    people = learn_people(
        split_sentences(
            _segments([("Dana", "Ferrer, could you get a cost estimate?"), ("Farah", "Sure.")])
        )
    )
    assert people.person("Ferrer") == "Farah" and not people.voices


def test_owners_are_the_people_addressed_or_the_speakers_by_name() -> None:
    segs = _segments(
        [
            ("Speaker 1", "Hi everyone, I'm Dana."),
            ("Speaker 2", "And I'm Ines, design."),
            ("Speaker 3", "I'm Tobias."),
            ("Speaker 1", "Tobias, can you prepare the launch budget by Wednesday?"),
            ("Speaker 2", "I'll finish the onboarding screens today."),
            ("Speaker 3", "Yes, I'll get that done."),
            ("Speaker 1", "Ines, would you mind booking the usability lab?"),
            ("Speaker 2", "Not at all."),
            ("Speaker 1", "It would be good if you could send the invites tomorrow, Ines."),
        ]
    )
    actions = extract_actions(split_sentences(segs), MONDAY)
    got = [(a.owner, a.task, a.due) for a in actions]
    assert got == [
        ("Tobias", "prepare the launch budget", "2026-12-09"),
        ("Ines", "finish the onboarding screens", "2026-12-07"),
        ("Ines", "book the usability lab", None),
        ("Ines", "send the invites", "2026-12-08"),
    ]


def test_someone_who_also_takes_a_task_names_the_voice_that_took_one() -> None:
    segs = _segments(
        [
            ("Speaker 1", "Let's review the checkout page."),
            ("Speaker 2", "I can run a usability test with five customers next week."),
            ("Speaker 1", "Great, Omar will also share the test results in the design channel."),
        ]
    )
    owners = {a.owner for a in extract_actions(split_sentences(segs), MONDAY)}
    assert owners == {"Omar"}


def test_the_recap_completes_and_confirms_items_without_repeating_them() -> None:
    segs = _segments(
        [
            ("Speaker 1", "Let's plan the release."),
            ("Speaker 2", "I'll write the release notes."),
            ("Speaker 3", "I can update the changelog by Thursday."),
            ("Speaker 1", "Great."),
            (
                "Speaker 1",
                "So to recap: Evan writes the release notes by Friday, Greg updates the "
                "changelog by Thursday, and Hana books the launch room tomorrow.",
            ),
        ]
    )
    actions = extract_actions(split_sentences(segs), MONDAY)
    got = sorted((a.owner, a.task, a.due) for a in actions)
    assert got == [
        ("Evan", "write the release notes", "2026-12-11"),  # owner named, due completed
        ("Greg", "update the changelog", "2026-12-10"),  # confirmed: one item, not two
        ("Hana", "book the launch room", "2026-12-08"),  # said only in the recap
    ]


def test_decisions_are_agreements_and_outcomes_only() -> None:
    segs = _segments(
        [
            ("Ann", "Okay, noted."),  # acknowledgement
            ("Ann", "Agreed."),
            ("Ben", "The deadline for the copy is Friday."),  # deadline
            ("Ann", "The contract needs to be signed by the twentieth."),
            ("Ann", "Ben, can you check the figures?"),  # request
            ("Ann", "Let's have Cal look at the logo."),  # delegation
            ("Ann", "Let's do quick introductions."),  # procedure
            ("Ann", "Sounds good, we'll do that."),
            ("Ann", "After looking at the numbers, we'll ship the beta on Thursday."),
            ("Cal", "Offline mode is not in the beta."),
            ("Ann", "We're keeping version history, but comments will wait for the next release."),
            ("Ann", "The old warehouse contract is not being renewed."),
        ]
    )
    decisions = [d.text for d in extract_decisions(split_sentences(segs))]
    assert decisions == [
        "The team will ship the beta on Thursday",
        "Offline mode is not in the beta",
        "The team is keeping version history",
        "Comments will wait for the next release",
        "The old warehouse contract is not being renewed",
    ]


def test_outcomes_said_plainly_are_decisions() -> None:
    """ "X stays ...", "... it is", "we <verb> ..." as the outcome, a decision after
    "I agree," and two outcomes split at "..., we'll"."""
    segs = _segments(
        [
            ("Ann", "The conference stays in the budget."),
            ("Ann", "Okay, a pilot with two partners it is."),
            ("Ann", "Fine, we cut the travel budget in half."),
            ("Ben", "We tested two versions last month."),  # a report, not an outcome
            ("Ben", "We have fourteen stalls booked."),
            ("Ann", "I agree, from now on we will review every pull request."),
            ("Ann", "The price is not in the proposal, we'll focus on the delivery dates."),
            ("Cal", "It is what it is."),
            ("Ben", "Should we pause deployments while you're away?"),
            ("Ann", "No, deployments carry on as normal."),
            ("Ben", "Should we ask legal first?"),
            ("Cal", "Yes, Ben, can you email them today?"),  # a request, not an outcome
        ]
    )
    decisions = [d.text for d in extract_decisions(split_sentences(segs))]
    assert decisions == [
        "The conference stays in the budget",
        "A pilot with two partners it is",
        "The team cut the travel budget in half",
        "From now on the team will review every pull request",
        "The price is not in the proposal",
        "The team will focus on the delivery dates",
        "Deployments carry on as normal",
    ]


def test_a_commitment_whose_will_asr_dropped_needs_a_due_date() -> None:
    segs = _segments(
        [
            ("Greg", "Then I write the technical design by next Monday."),
            ("Hugo", "Leave that with me, I renew the certificate today."),
            ("Ivan", "I work from home on Fridays."),  # a habit
            ("Ivan", "I think the design is fine."),
            ("Jo", "I write a lot of tests."),  # no due date: not a commitment
            ("Kim", "Ivan, would you mind letting the supplier know before Friday?"),
            ("Ivan", "Please do, can you?"),  # an acknowledgement, not a task
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Greg", "write the technical design", "2026-12-14"),
        ("Hugo", "renew the certificate", "2026-12-07"),
        ("Ivan", "let the supplier know", "2026-12-11"),
    ]


def test_dates_said_as_days_of_the_month_or_in_words() -> None:
    segs = _segments(
        [
            ("Ann", "Pavel, can you find savings of ten thousand by the 18th?"),
            ("Ben", "I'll book the inspection by the fourth of January."),
            ("Cal", "I'll send the figures on the twenty-second of December."),
            ("Ann", "I'll ask the second supplier for a quote tomorrow."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.due) for a in items] == [
        ("Pavel", "2026-12-18"),
        ("Ben", "2027-01-04"),
        ("Cal", "2026-12-22"),
        ("Ann", "2026-12-08"),
    ]
    assert items[0].task == "find savings of ten thousand"


def test_minutes_are_written_in_the_third_person() -> None:
    assert third_person("I estimate about three weeks of backend work.", "Evan") == (
        "Evan estimates about three weeks of backend work"
    )
    assert third_person("So I think we should look at our billing.", "Farah") == (
        "The team should look at the team's billing"
    )
    assert third_person("I don't have the numbers, I'm waiting on finance.", "Kim") == (
        "Kim does not have the numbers, Kim is waiting on finance"
    )
    assert [base_verb(v) for v in ("finishes", "prepares", "applies", "revises", "does")] == [
        "finish",
        "prepare",
        "apply",
        "revise",
        "do",
    ]
    assert [gerund_base(v) for v in ("letting", "preparing", "sending", "booking")] == [
        "let",
        "prepare",
        "send",
        "book",
    ]
    assert action_sentence("Dana", "send the revised budget to finance", "2026-12-10") == (
        "Dana will send the revised budget to finance — due Thu 10 Dec"
    )
    assert action_sentence("Dana", "call the vendor", "once legal replies") == (
        "Dana will call the vendor — due once legal replies"
    )
    assert action_sentence(None, "book a room", None) == "To do: book a room"


def test_summary_and_key_points_are_written_not_pasted() -> None:
    segs = _segments(
        [
            ("Speaker 1", "Welcome, I'm Dana. Let's look at the search feature."),
            ("Speaker 2", "I'm Evan. The search feature needs about three weeks of backend work."),
            ("Speaker 3", "The billing migration depends on finance and the billing team."),
            ("Speaker 1", "We agreed to ship search before the billing migration."),
            ("Speaker 2", "I'll set up the staging environment for search tomorrow."),
            ("Speaker 3", "Honestly the search feature has waited for far too long now."),
        ]
    )
    minutes = build_minutes(segs, MONDAY, "planning")
    assert minutes.summary.startswith("Dana, Evan and Speaker 3 met to plan.")
    assert "Decided: the team agreed to ship search before the billing migration" in (
        minutes.summary
    )
    assert "1 action item was agreed, for Evan." in minutes.summary
    for seg in segs:
        assert seg.text not in minutes.summary
    taken = [a.task for a in minutes.action_items] + [d.text for d in minutes.decisions]
    for point in minutes.key_points:
        assert not any(t.lower() in point.text.lower() for t in taken), point
        assert not point.text.startswith("I ")


# -- real ASR of the six development meetings ------------------------------------


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> list[Meeting]:
    if not minutes_data.can_synthesise():
        pytest.skip("espeak-ng and sox are needed to synthesise the scripted meetings")
    work = tmp_path_factory.mktemp("dev_meetings")
    return [minutes_data.scripted(name, work) for name in minutes_data.new_set("dev")]


@pytest.mark.slow
def test_learnt_names_never_go_to_the_wrong_voice(dev: list[Meeting]) -> None:
    """A voice is never given another participant's name; most get their own.

    Some come out as ASR heard them ("Shiffon" for Siobhan): right voice, odd
    spelling, which a rename fixes; the benchmark counts those as wrong by name.
    """
    right = learnt_total = 0
    for m in dev:
        segs = anonymous(m.segments)
        truth = {a.speaker: b.speaker for a, b in zip(segs, m.segments)}
        people = learn_people(split_sentences(segs))
        for label, learnt in people.voices.items():
            others = [p for p in m.expected["speakers"] if p != truth[label]]
            assert not any(same_name(learnt.name, o) for o in others), (m.name, label, learnt)
            right += same_name(learnt.name, truth[label])
            learnt_total += 1
    assert learnt_total >= 10 and right >= 8, (right, learnt_total)


@pytest.mark.slow
def test_dev_meetings_minutes_by_name(dev: list[Meeting]) -> None:
    """Voices named as enrolled: owners, dates and decisions as a minute-taker wrote them;
    voices anonymous: every owner is a name said in the meeting or a voice label, and
    the recap never duplicates an item."""
    total_a = total_d = None
    for m in dev:
        minutes = build_minutes(m.segments, m.date, m.meeting_type)
        a = score_actions(minutes.action_items, m.expected["action_items"], m.date)
        d = score_decisions(minutes.decisions, m.expected["decisions"])
        total_a = a if total_a is None else total_a + a
        total_d = d if total_d is None else total_d + d
        blind = build_minutes(anonymous(m.segments), m.date, m.meeting_type)
        said = " ".join(s.text for s in m.segments)
        for item in blind.action_items:
            assert item.owner and (is_label(item.owner) or item.owner in said), item
        assert len(blind.action_items) <= len(m.expected["action_items"]) + 1, m.name
    assert total_a is not None and total_d is not None
    # Whisper base on robotic voices mishears a few words ("let them know" as "let M.O."):
    # the bar leaves room for those, the benchmark reports the exact figures
    assert total_a.precision >= 0.8 and total_a.recall >= 0.85, total_a
    assert total_d.precision >= 0.85 and total_d.recall >= 0.85, total_d


def test_hedged_volunteered_and_suggested_commitments() -> None:
    """Commitments said without "I'll": hedged ("I guess I should"), volunteered
    ("Count me in for", "Leave the X with me"), suggested ("maybe you could") and
    asked without a name: the one who accepts is the one asked."""
    segs = _segments(
        [
            ("Ana", "I suppose I should email the landlord before Thursday."),
            ("Ana", "I should have checked the meter."),  # a regret, not a task
            ("Bo", "Sign me up for painting the fence on Saturday."),
            ("Cy", "Leave the invitations with me, they'll be posted by Friday."),
            ("Ana", "Perhaps you could tidy the storage room."),
            ("Dee", "Happy to."),
            ("Dee", "I'll have something by Wednesday."),  # completes the request
            ("Bo", "If it rains, you could move the chairs inside."),  # a condition
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ana", "email the landlord", "2026-12-10"),
        ("Bo", "paint the fence", "2026-12-12"),
        ("Cy", "post the invitations", "2026-12-11"),
        ("Dee", "tidy the storage room", "2026-12-09"),
    ]
    assert [d.text for d in extract_decisions(split_sentences(segs))] == []


def test_a_proposal_the_room_agrees_to_is_a_decision() -> None:
    """ "I think we should X" becomes a decision once other voices assent; a
    proposal met with a "but", or with no answer, stays a proposal."""
    segs = _segments(
        [
            ("Ann", "I think we should move the retro to Thursdays."),
            ("Ann", "Is everyone okay with that?"),
            ("Ben", "Works for me."),
            ("Cal", "Agreed."),
            ("Ben", "Maybe we should rename the channel."),
            ("Cal", "Sure, but not this month."),
            ("Ann", "We should hire a second tester."),
            ("Ann", "The parking stays outside the gate."),
            ("Cal", "The roof repair waits until after the survey."),
            ("Ben", "We're printing the booklets in colour instead."),
            ("Ann", "They'll be delivered by Monday."),  # when, not what was decided
            ("Ann", "Let's speak again next Tuesday."),  # the next meeting
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The team will move the retro to Thursdays",
        "The parking stays outside the gate",
        "The roof repair waits until after the survey",
        "The team is printing the booklets in colour instead",
    ]


def test_recap_lines_run_on_and_new_due_words() -> None:
    """A recap line cut by the ASR at a comma goes on in the next ("..., which is on
    the 9th of January"); "within the hour" is today, "Christmas" Christmas Eve."""
    segs = _segments(
        [
            ("Ann", "Ben, could you ring the caterers before Christmas?"),
            ("Ben", "Sure."),
            ("Cal", "I'll send the minutes within the hour."),
            ("Ann", "So to sum up."),
            ("Ann", "Dev collects the keys before the handover,"),
            ("Ann", "which is on the 9th of January."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ben", "ring the caterers", "2026-12-24"),
        ("Cal", "send the minutes", "2026-12-07"),
        ("Dev", "collect the keys before the handover", "2027-01-09"),
    ]


def test_passive_participles_and_shared_topic_cores() -> None:
    assert [participle_base(w) for w in ("printed", "shared", "planned", "copied", "edited")] == [
        "print",
        "share",
        "plan",
        "copy",
        "edit",
    ]
    segs = _segments(
        [
            ("Ann", "The winter food drive needs volunteers."),
            ("Ben", "The food drive moves to the hall."),
            ("Cal", "Volunteers for the food drive can sign up online."),
        ]
    )
    topics = extract_topics(split_sentences(segs))
    assert "food drive" in topics
    assert "winter food drive" not in topics


def test_key_points_leave_out_requests_and_closings() -> None:
    segs = _segments(
        [
            ("Ann", "The scaffolding on the north side comes down next week."),
            ("Ann", "Kofi, order forty bags of cement for the next pour."),
            ("Ben", "The electricians are still coming on the eighteenth."),
            ("Ann", "Thanks everyone, see you all on Saturday morning."),
        ]
    )
    points = build_minutes(segs, MONDAY, "general").key_points
    assert not any("cement" in p.text or "Saturday" in p.text for p in points)


def test_other_ways_to_hand_over_take_on_and_decide() -> None:
    """Phrasings none of the scripted meetings use: a task handed over ("you're on"),
    an open request someone takes, "X's going to", "Action item: X to", "after
    lunch"; decisions "settled on", "the plan is to", "go ahead with", "off the
    table", "hold off on"; and a recap introduced by "Let me summarise"."""
    segs = _segments(
        [
            ("Ann", "Sam, you're on the login bug."),
            ("Ann", "Can someone update the wiki page?"),
            ("Ben", "I'll do it by Thursday."),
            ("Ann", "Sam's going to call the vendor tomorrow."),
            ("Ann", "Action item: Cal to renew the domain by Friday."),
            ("Cal", "I need to leave early today."),
            ("Ben", "We've settled on the blue design."),
            ("Cal", "The plan is to launch in the spring."),
            ("Ann", "We're going to go ahead with the second supplier."),
            ("Ben", "The mobile app is off the table for this year."),
            ("Cal", "We'll hold off on the redesign until March."),
            ("Ben", "I'm going to take a look at the logs after lunch."),
            ("Ann", "Let me summarise the actions."),
            ("Ann", "Ben looks at the logs today, and I chase the printer by Thursday."),
        ]
    )
    sentences = split_sentences(segs)
    assert [(a.owner, a.task, a.due) for a in extract_actions(sentences, MONDAY)] == [
        ("Sam", "handle the login bug", None),
        ("Ben", "update the wiki page", "2026-12-10"),
        ("Sam", "call the vendor", "2026-12-08"),
        ("Cal", "renew the domain", "2026-12-11"),
        ("Ben", "take a look at the logs", "2026-12-07"),
        ("Ann", "chase the printer", "2026-12-10"),
    ]
    assert len(extract_decisions(sentences)) == 5


def test_talk_that_sounds_like_commitments_is_not() -> None:
    """Speech verbs, regrets, undated obligations, open offers, suggestions nobody
    takes up, and a proposal met with "Yeah, maybe." give no items."""
    segs = _segments(
        [
            ("Ben", "I should mention that the client called yesterday."),
            ("Cal", "You should have seen the queue this morning."),
            ("Ann", "Maybe you could argue that the price is too high."),
            ("Cal", "We should probably think about hiring at some point."),
            ("Ann", "Yeah, maybe."),
            ("Ben", "I'll let you get on with your day."),
            ("Ann", "I'm happy to help if anyone needs it."),
            ("Ben", "I need to check my calendar."),
            ("Cal", "You might want to mute your microphone."),
            ("Ann", "Let's move on to the next item."),
        ]
    )
    sentences = split_sentences(segs)
    assert extract_actions(sentences, MONDAY) == []
    assert extract_decisions(sentences) == []


def test_a_request_by_name_taken_on_by_the_next_voice_names_it() -> None:
    learnt = _learnt(
        [
            ("Speaker 1", "Kofi, order forty bags of cement."),
            ("Speaker 2", "Will do."),
            ("Speaker 1", "Jules, please update the handbook."),
            ("Speaker 3", "The handbook is out of date anyway."),  # not taking it on
        ]
    )
    assert learnt == {"Speaker 2": "Kofi"}


def test_plans_in_the_present_and_recaps_listed_as_actions() -> None:
    """ "I'm booking the room for Thursday" (with a date) is a commitment; a pronoun
    points back within the sentence ("Dana, the floor plan, can you send it
    round?"); "So the actions are:" opens a recap whose "Ben is drafting" and
    "Also Ben will" lines confirm or add items; "No more X" is a decision."""
    segs = _segments(
        [
            ("Ben", "I'll draft the letter to the council by Wednesday."),
            ("Cal", "I'm booking the room for Thursday."),
            ("Ann", "I'm hoping for good weather on Saturday."),  # a hope, not a plan
            ("Ann", "No more deploys on Fridays."),
            ("Cal", "Dana, the floor plan, can you send it round tomorrow?"),
            ("Dana", "Yes."),
            ("Ann", "So the actions are:"),
            ("Ann", "Ben is drafting the letter to the council, and Cal books the room."),
            ("Ann", "Also Ben will chase the caterer next week."),
        ]
    )
    sentences = split_sentences(segs)
    assert [(a.owner, a.task, a.due) for a in extract_actions(sentences, MONDAY)] == [
        ("Ben", "draft the letter to the council", "2026-12-09"),
        ("Cal", "book the room", "2026-12-10"),
        ("Dana", "send the floor plan round", "2026-12-08"),
        ("Ben", "chase the caterer", "2026-12-14"),
    ]
    assert [d.text for d in extract_decisions(sentences)] == ["No more deploys on Fridays"]


def test_conditions_after_the_task_and_open_requests_taken_with_i_can() -> None:
    segs = _segments(
        [
            ("Ann", "I'll look at the logs if I have time."),
            ("Ben", "I can probably do the slides, unless Cal wants them."),
            ("Ann", "Would anyone be able to cover reception on Monday?"),
            ("Cal", "I can, yes."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [("Cal", "cover reception", "2026-12-14")]


def test_the_team_takes_a_verb_that_agrees() -> None:
    assert third_person("We train on Sunday mornings from March.", "Ann") == (
        "The team trains on Sunday mornings from March"
    )
    assert third_person("we need a second tester", "Ann") == "The team needs a second tester"
    assert third_person("we agreed to ship it", "Ann") == "The team agreed to ship it"
    assert third_person("we don't ship on Fridays", "Ann") == "The team does not ship on Fridays"


def test_more_ways_a_room_decides() -> None:
    segs = _segments(
        [
            ("Ann", "Right, final answer: we go with the cheaper quote."),
            ("Ben", "The vote passed, we're switching to the new payroll system."),
            ("Ben", "How about we move standup to ten?"),
            ("Cal", "Sounds good, let's do that."),
            ("Ben", "Noted, the deadline is Friday."),  # a deadline
            ("Cal", "Fair enough."),  # an acknowledgement
            ("Ann", "Okay, we can revisit this next month."),
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The team goes with the cheaper quote",
        "The team is switching to the new payroll system",
        "The team will move standup to ten",
    ]


def test_indirect_requests_their_answers_and_refusals() -> None:
    """ "I was wondering if you could", "if someone could", "any chance you could",
    "Mind sending..."; the answer's date completes the request, a refusal voids it."""
    segs = _segments(
        [
            ("Ann", "Ben, I was wondering if you could check the invoices by Thursday."),
            ("Ben", "Sure."),
            ("Ann", "It would be great if someone could book the train tickets."),
            ("Cal", "I'll do that this afternoon."),
            ("Ann", "Cal, any chance you could proofread the report?"),
            ("Cal", "Yes, by tomorrow."),
            ("Ben", "Mind sending me the file, Ann?"),
            ("Ann", "Of course."),
            ("Ben", "Do you think you could call the landlord on Monday, Cal?"),
            ("Cal", "No, sorry, I'm away."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ben", "check the invoices", "2026-12-10"),
        ("Cal", "book the train tickets", "2026-12-07"),
        ("Cal", "proofread the report", "2026-12-08"),
        ("Ann", "send Ben the file", None),
    ]


def test_a_name_before_can_you_is_the_addressee_without_a_comma() -> None:
    segs = _segments(
        [
            ("Speaker 1", "Right, the venue."),
            ("Speaker 2", "Priya can you prepare the budget by Friday?"),
            ("Speaker 3", "Yes."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Priya", "prepare the budget", "2026-12-11")
    ]


def test_a_misheard_name_close_to_one_enrolled_person_is_that_person() -> None:
    segs = _segments(
        [
            ("Martin", "Payful, can you find savings of ten thousand by the 18th?"),
            ("Pavel", "Okay, will do."),
            ("Aisha", "Paul from finance is off this week."),  # not close enough to one
        ]
    )
    people = learn_people(split_sentences(segs))
    assert people.person("Payful") == "Pavel"
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [a.owner for a in items] == ["Pavel"]
    assert alike_name("Paul", ["Pavel", "Martin"]) is None


def test_courtesies_are_not_tasks_and_tries_are() -> None:
    segs = _segments(
        [
            ("Sam", "I'll keep you posted."),
            ("Ann", "I'll have a think about it."),
            ("Sam", "I'll make a note of that."),
            ("Ann", "Okay, I'll leave it there."),
            ("Sam", "Let's take five minutes."),
            ("Sam", "I'll try to finish the draft by Friday."),
        ]
    )
    sentences = split_sentences(segs)
    items = extract_actions(sentences, MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [("Sam", "finish the draft", "2026-12-11")]
    assert extract_decisions(sentences) == []


def test_requests_answered_with_a_promise_and_conditional_commitments() -> None:
    """ "will you mind" + gerund is the plain verb; "not at all, you'll have it by X"
    dates the request; "If ..., I'll ..." commits on its condition, dated only by the
    main clause;
    a contrast after the task and a reaction ("live with that") are not tasks; "her"
    stands for the noun phrase said before it."""
    segs = _segments(
        [
            ("Ann", "Tom, will you mind checking the rota?"),
            ("Tom", "Not at all, you'll have it by Thursday."),
            ("Ben", "If the quote comes in on Wednesday, I'll order the new chairs."),
            ("Cal", "If anyone needs a lift, I'll drive."),
            ("Cal", "I'll book the hall by Friday, but it depends on the caretaker."),
            ("Ann", "Sure, I can live with that."),
            ("Ben", "I know the site manager well, I'll phone her tomorrow."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Tom", "check the rota", "2026-12-10"),
        ("Ben", "order the new chairs, if the quote comes in on Wednesday", None),
        ("Cal", "book the hall", "2026-12-11"),
        ("Ben", "phone the site manager", "2026-12-08"),
    ]


def test_proposals_put_to_the_room_motions_options_and_shall_we() -> None:
    """A statement with a tag to the room, a seconded motion run on over two
    sentences, a gerund proposal, an option ("how about X?"), "shall we say X?"
    answered "yes", a topic taken up by "it", and outcomes such as "stays open",
    "is withdrawn", "approves"; "that is carried" and "will do" restate, not decide."""
    segs = _segments(
        [
            ("Ann", "We hire two contractors for the spring. Is everyone okay with that?"),
            ("Ben", "Yep."),
            ("Cal", "I move that we accept the architect's revised plan"),
            ("Cal", "for the north wing."),
            ("Ann", "Seconded."),
            ("Ben", "That is carried unanimously."),
            ("Cal", "I'd suggest moving the launch party and inviting the press."),
            ("Ann", "Yes, good idea."),
            ("Ben", "Mondays are bad for me, how about Thursday mornings?"),
            ("Cal", "Thursday mornings work."),
            ("Ann", "Shall we say we publish the report on the 3rd?"),
            ("Ben", "Yes."),
            ("Cal", "And the old printer, we're not replacing it this year."),
            (
                "Ann",
                "So the library stays open late on Fridays, and the fee increase is withdrawn.",
            ),
            ("Ben", "The panel approves the new grading scheme."),
            ("Cal", "We'll do, I'll send the agenda."),
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The team hires two contractors for the spring",
        "The team will accept the architect's revised plan for the north wing",
        "The team will move the launch party and invite the press",
        "Thursday mornings",
        "The team will publish the report on the 3rd",
        "The team is not replacing the old printer this year",
        "The library stays open late on Fridays, and the fee increase is withdrawn",
        "The panel approves the new grading scheme",
    ]


def test_titles_roles_possessives_and_thank_you_in_name_evidence() -> None:
    """A title before a name ("Professor Lindqvist") still names; a role ("chef"), a
    weekday in the plural and "This is Maria's review" do not; "thank you" does not
    hand the word to the next voice."""
    learnt = _learnt(
        [
            ("Speaker 1", "Welcome. This is Maria's final review."),
            ("Speaker 2", "The results are in."),
            ("Speaker 3", "Thank you, Professor Lindqvist, the second chapter is strong."),
            ("Speaker 4", "I agree with that."),
            ("Speaker 1", "Yes, chef."),
            ("Speaker 5", "Fridays, are we still meeting then?"),
            ("Speaker 2", "We are."),
        ]
    )
    assert learnt == {"Speaker 2": "Lindqvist"}


def test_due_after_the_cue_chained_due_words_and_two_commitments_in_one_breath() -> None:
    """The due phrase after the commitment wins over one said before it for someone
    else; "before nine this morning" is one due phrase, all of it left out of the
    task; "I'll X, I'll Y" is two items; a segment ASR wrote twice counts once."""
    segs = _segments(
        [
            ("Ann", "Raj checks the figures by the 20th, I'll draft the press release this week."),
            ("Ben", "I'll visit the warehouse on my way in, so before nine this morning."),
            ("Cal", "Fine, I'll tidy the slides, I'll email them to the client by Thursday."),
            ("Cal", "Fine, I'll tidy the slides, I'll email them to the client by Thursday."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "draft the press release", "2026-12-11"),
        ("Ben", "visit the warehouse on my way in", "2026-12-07"),
        ("Cal", "tidy the slides", None),
        ("Cal", "email the slides to the client", "2026-12-10"),
    ]


def test_a_reply_with_its_own_verb_rewords_the_request_and_echoes_name_it() -> None:
    """ "I'll order them from the florist" answering "sorting out the flowers" says
    what the task is; "I'll give them to you" after "gives me the keys" is the keys;
    "I'll do it" only takes a request on."""
    segs = _segments(
        [
            ("Ann", "Tom, would you mind sorting out the flowers?"),
            ("Tom", "Sure, I'll order them from the florist on Friday."),
            ("Bob", "If Jo gives me the van keys, I'll drive everyone."),
            ("Jo", "I'll give them to you after lunch."),
            ("Ann", "Can you do the review?"),
            ("Bob", "Yes, I'll do it today."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Tom", "order the flowers from the florist", "2026-12-11"),
        ("Bob", "drive everyone, if Jo gives Bob the van keys", None),
        ("Jo", "give the van keys to Bob", "2026-12-07"),
        ("Bob", "do the review", "2026-12-07"),
    ]


def test_a_bargain_a_recap_that_confirms_actions_and_a_dated_task_on_it() -> None:
    """ "Lena, if you could dig out the old contract, I'll call the lawyer" is a request
    to Lena and a commitment; "to confirm the actions" opens a recap that names an
    anonymous voice; "I'll post it through the council's letterbox on the 14th" says
    enough to stand alone."""
    segs = _segments(
        [
            ("Speaker 1", "Lena, if you could dig out the old contract, I'll call the lawyer."),
            ("Speaker 2", "Sure, I'll look for the contract this evening."),
            ("Speaker 3", "I'll print the leaflets by Friday."),
            ("Speaker 1", "I'll post it through the council's letterbox on the 14th."),
            ("Speaker 1", "To confirm the actions, Omar prints the leaflets by Friday."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Lena", "dig out the old contract", "2026-12-07"),
        ("Speaker 1", "call the lawyer", None),
        ("Omar", "print the leaflets", "2026-12-11"),
        ("Speaker 1", "post it through the council's letterbox", "2026-12-14"),
    ]


def test_a_request_to_anyone_taken_on_in_the_takers_own_words() -> None:
    """ "If someone could ask the museum and the library" answered "I know the
    curator, I'll ask him tomorrow" is the curator task; "Sure, I'll book it" keeps
    the request's words."""
    segs = _segments(
        [
            ("Ann", "It would be great if someone could ask the museum and the library."),
            ("Bob", "I know the curator, I'll ask him tomorrow."),
            ("Cal", "And I'll do the library one."),
            ("Ann", "Could someone book the minibus?"),
            ("Bob", "Sure, I'll book it."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Bob", "ask the curator", "2026-12-08"),
        ("Cal", "do the library one", None),
        ("Bob", "book the minibus", None),
    ]


def test_a_commitment_on_them_takes_the_speakers_own_noun_before_it() -> None:
    segs = _segments(
        [
            ("Ann", "Shall I handle the name badges?"),
            ("Ann", "I'll print them at the library on Thursday."),
            ("Ben", "Lovely, thanks."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "print the name badges at the library", "2026-12-10")
    ]


def test_one_as_the_object_is_the_noun_phrase_said_with_a_before_it() -> None:
    segs = _segments(
        [
            ("Ann", "What we lack is a floor plan of the new office."),
            ("Ben", "Would you mind sketching one this week, Ann?"),
            ("Ann", "Sure."),
            ("Cal", "Can you fix the one on the left, Ben?"),
            ("Ben", "Yes."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "sketch a floor plan of the new office", "2026-12-11"),
        ("Ben", "fix the one on the left", None),
    ]


def test_an_order_taken_on_by_the_next_voice_is_theirs() -> None:
    """ "Mo, restock it before the lunch rush" - "Will do." is Mo's task on what was
    just reported; an order nobody takes on, "Have a good weekend" and "Yeah, ship
    it" (an answer) are not tasks."""
    segs = _segments(
        [
            ("Mo", "The salad bar is nearly empty."),
            ("Ann", "Okay, Mo, restock it before the lunch rush."),
            ("Mo", "We'll do."),
            ("Ann", "Book the minibus for Friday."),
            ("Ben", "Sure."),
            ("Cal", "The boiler is making that noise again."),
            ("Ann", "Call the plumber then."),
            ("Cal", "Okay."),
            ("Ann", "Fix the rota."),
            ("Cal", "The oven is still broken."),
            ("Ann", "Is everyone happy with the menu?"),
            ("Ben", "Yeah, ship it."),
            ("Ann", "Have a good weekend."),
            ("Ben", "Yes, you too."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Mo", "restock the salad bar before the lunch rush", None),
        ("Ben", "book the minibus", "2026-12-11"),
        ("Cal", "call the plumber", None),
    ]


def test_more_ways_to_ask_the_room_or_one_person() -> None:
    """ "Who can...?", "Would anyone like to...?", "Are you able to...?", "Do you have
    time to...?", answered "Me", "I will", "Yes", "Sure", "I'm on it"."""
    segs = _segments(
        [
            ("Ann", "Who can book the venue for the party?"),
            ("Ben", "Me, I'll do it tomorrow."),
            ("Ann", "Are you able to send the report by Friday, Cal?"),
            ("Cal", "Yes."),
            ("Ann", "Would anyone like to present the results next week?"),
            ("Dee", "I will."),
            ("Ben", "Do you have time to review my draft before Thursday, Ann?"),
            ("Ann", "Sure."),
            ("Ann", "Could somebody water the plants?"),
            ("Cal", "I'm on it."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ben", "book the venue for the party", "2026-12-08"),
        ("Cal", "send the report", "2026-12-11"),
        ("Dee", "present the results", "2026-12-14"),
        ("Ann", "review Ben's draft", "2026-12-10"),
        ("Cal", "water the plants", None),
    ]


def test_a_vote_and_a_plan_asked_about_are_decisions_once_agreed() -> None:
    segs = _segments(
        [
            ("Ann", "All in favour of moving the launch to May?"),
            ("Ben", "Aye."),
            ("Cal", "Aye."),
            ("Ann", "The motion is carried."),
            ("Ben", "Are we all happy to drop the printed newsletter?"),
            ("Cal", "Yes."),
            ("Ann", "Is everyone okay to work late on Friday?"),
            ("Ben", "No, sorry."),
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The team will move the launch to May",
        "The team will drop the printed newsletter",
    ]


def test_pairs_asked_together_answer_as_we() -> None:
    segs = _segments(
        [
            ("Ann", "Leave the catering to me."),
            ("Cal", "Dev, could you and Mia sort the raffle prizes by the 15th?"),
            ("Dev", "Sure."),
            ("Ann", "Can you two check the stock levels?"),
            ("Ben", "We can do that tomorrow."),
            ("Ann", "Could you two call the caterer?"),
            ("Ben", "We can't, sorry."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "take care of the catering", None),
        ("Dev", "sort the raffle prizes", "2026-12-15"),
        ("Ben", "check the stock levels", "2026-12-08"),
    ]


def test_shall_we_answered_yes_but_not_a_break() -> None:
    segs = _segments(
        [
            ("Ann", "Shall we take a quick break?"),
            ("Ben", "Yes."),
            ("Ann", "Should we cancel the Friday stand-up?"),
            ("Ben", "Yeah."),
            ("Ann", "Should we say the 19th for the launch?"),
            ("Ben", "Yes."),
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The team will cancel the Friday stand-up",
        "The 19th for the launch",
    ]


def test_hand_overs_and_its_me_name_voices() -> None:
    learnt = _learnt(
        [
            ("Speaker 1", "Hi all, it's Dev."),
            ("Speaker 2", "Morning."),
            ("Speaker 3", "Over to you, Sam."),
            ("Speaker 4", "Right, the venue is booked."),
            ("Speaker 1", "Your turn, Mia."),
            ("Speaker 5", "I have nothing new."),
        ]
    )
    assert learnt == {"Speaker 1": "Dev", "Speaker 4": "Sam", "Speaker 5": "Mia"}


def test_named_plans_tasks_told_and_things_that_need_doing() -> None:
    """ "Aisha's doing X by Thursday", "Priya, you'll X by Friday, yes?", "the skip
    needs emptying", "someone needs to X" taken on; "needs fixing" only agreed with
    is nobody's task."""
    segs = _segments(
        [
            ("Ann", "Right, Aisha's doing the risk assessment by Thursday."),
            ("Aisha", "Yep."),
            ("Ann", "Priya, you'll update the website by Friday, yes?"),
            ("Priya", "Yes."),
            ("Ann", "Liam, the skip needs emptying before Monday."),
            ("Liam", "No problem."),
            ("Ann", "Someone needs to order more gloves."),
            ("Ben", "I'll do that."),
            ("Cal", "The printer needs fixing."),
            ("Ann", "Yes, it does."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Aisha", "do the risk assessment", "2026-12-10"),
        ("Priya", "update the website", "2026-12-11"),
        ("Liam", "empty the skip", "2026-12-14"),
        ("Ben", "order more gloves", None),
    ]


def test_verdicts_said_in_a_few_words_are_decisions() -> None:
    segs = _segments(
        [
            ("Ann", "The barbecue is off."),
            ("Cal", "The new menu is a go."),
            ("Ann", "No raffle this year then."),
            ("Ben", "Budget approved."),
            ("Cal", "Right, Saturday it is."),
            ("Ann", "Tom is off."),  # a person away
            ("Ben", "Well, it is."),
            ("Cal", "Is the venue confirmed?"),
        ]
    )
    assert [d.text for d in extract_decisions(split_sentences(segs))] == [
        "The barbecue is off",
        "The new menu is a go",
        "No raffle this year then",
        "Budget approved",
        "Saturday it is",
    ]


def test_a_courtesy_if_is_no_condition_and_a_past_tense_is_no_order() -> None:
    segs = _segments(
        [
            ("Ann", "If you have a minute, check the server logs."),
            ("Ben", "Sure."),
            ("Ann", "Ben, if you get a chance, can you review my draft?"),
            ("Ben", "Yes."),
            ("Ann", "If the client agrees, can you send the invoice?"),  # a real condition
            ("Ben", "Sure."),
            ("Cal", "We checked the router, found the loose cable."),
            ("Ann", "Yes."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task) for a in items] == [
        ("Ben", "check the server logs"),
        ("Ben", "review Ann's draft"),
    ]


def test_happy_to_a_topic_said_first_and_looking_into_it() -> None:
    segs = _segments(
        [
            ("Ann", "Happy to draft the letter by Friday."),
            ("Ben", "The quarterly report, I'll circulate it tomorrow."),
            ("Cal", "I'll look into it."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "draft the letter", "2026-12-11"),
        ("Ben", "circulate the quarterly report", "2026-12-08"),
    ]


def test_a_recap_line_with_two_verbs_gives_both_to_the_one_named() -> None:
    segs = _segments(
        [
            ("Ann", "Good session."),
            ("Ben", "It was."),
            (
                "Ann",
                "So to recap, Omar drafts the safety plan by Friday and sends the rota to "
                "the team on Monday.",
            ),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Omar", "draft the safety plan", "2026-12-11"),
        ("Omar", "send the rota to the team", "2026-12-14"),
    ]


def test_a_recap_item_of_one_content_word_restates_only_the_same_verb() -> None:
    """ "Jo calls the hall today" in a recap is not the anonymous voice's "send the hall
    plan": one shared word with another verb is another task, and no rename."""
    segs = _segments(
        [
            ("Speaker 1", "I'll send the hall plan on Friday."),
            ("Speaker 2", "Good."),
            ("Speaker 1", "So to recap, Jo calls the hall today."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Speaker 1", "send the hall plan", "2026-12-11"),
        ("Jo", "call the hall", "2026-12-07"),
    ]


def test_offers_asked_as_questions_and_leave_to_speak() -> None:
    """ "Can I take the minutes today?" - "Please do." is the asker's task, dated by the
    question; "Can I ask a question?" and "Could I borrow your charger?" are not."""
    segs = _segments(
        [
            ("Ann", "Can I take the minutes today?"),
            ("Ben", "Please do."),
            ("Cal", "Can I ask a question?"),
            ("Ann", "Sure."),
            ("Ben", "Could I borrow your charger?"),
            ("Cal", "Yes."),
            ("Cal", "May I circulate the draft to the board on Friday?"),
            ("Ann", "Yes, go ahead."),
        ]
    )
    items = extract_actions(split_sentences(segs), MONDAY)
    assert [(a.owner, a.task, a.due) for a in items] == [
        ("Ann", "take the minutes", "2026-12-07"),
        ("Cal", "circulate the draft to the board", "2026-12-11"),
    ]
