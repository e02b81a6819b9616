"""Spoken lines rewritten as minutes: third person, no fillers, no quotes.

Minutes say "Evan estimates three weeks of backend work" and "The team will
ship the beta on Thursday", not "I estimate…" or "we'll ship…". Without a
language model this is done with rules on the few constructions meetings use:
the first person becomes the speaker's name (with the verb agreeing), "we"
becomes the team, fillers and hedges ("So,", "I think") are dropped. Verb
forms are needed the other way too: a recap says "Dana sends the budget" and
an action item is "send the budget"; "would you mind letting them know" is
"let them know".
"""

from __future__ import annotations

import re

from meetingapp.engine.minutes.text import word_set

#: Past forms and modals that take no -s in the third person.
_INVARIANT = word_set(
    """
    can could will would shall should may might must went had did made got saw sent wrote
    took found ran was were said told thought felt left met put set began came knew heard
    spent built lost read brought bought caught taught gave kept held let cut hit shut
    """
)
#: Plain verbs that end in -ed like a past form: "we need" is "the team needs".
_EED = word_set("need feed seed bleed breed speed proceed succeed exceed heed shed embed")
_IRREGULAR_3RD = {"have": "has", "do": "does", "go": "goes", "be": "is", "am": "is"}
_IRREGULAR_BASE = {"has": "have", "does": "do", "goes": "go", "is": "be"}
_HEDGE = re.compile(
    r"^(?:(?:so|then|and|also|ok|okay|right|good|great|alright|well|yes|yeah|sure|fine|"
    r"excellent|lovely|cool|nice|now|uh|um|ugh|after some discussion|after looking at the "
    r"numbers|just so you know|realistically|honestly|i think|i guess|i believe)\b[,.]?\s+)+",
    re.IGNORECASE,
)
#: Words after "we" that are not its verb ("we also need", "we all agree").
_NOT_VERBS = word_set("also still just really only all both never always probably actually then")


def _team_does(m: re.Match[str]) -> str:
    """ "we train" -> "the team trains": the verb agrees with its new subject."""
    verb = m.group(1)
    if verb.lower() in _NOT_VERBS or "'" in verb or "’" in verb:
        return m.group(0).replace(m.group(0).split()[0], "the team", 1)
    return f"the team {third_person_verb(verb)}"


_WE = (
    (r"\bwe're\b|\bwe are\b", "the team is"),
    (r"\bwe've\b|\bwe have\b", "the team has"),
    (r"\bwe'll\b|\bwe will\b", "the team will"),
    (r"\bwe won't\b", "the team will not"),
    (r"\bwe don't\b|\bwe do not\b", "the team does not"),
    (r"\bwe ([a-z'’]+)\b", _team_does),
    (r"\bwe\b", "the team"),
    (r"\bour\b", "the team's"),
    (r"\bus\b", "the team"),
    (r"\blet's not\b|\blet us not\b", "the team will not"),
    (r"\blet's\b|\blet us\b", "the team will"),
)


def third_person_verb(verb: str) -> str:
    """``verb`` as said of one other person: "estimate" -> "estimates", "fixed" stays."""
    low = verb.lower()
    if low in _IRREGULAR_3RD:
        return _IRREGULAR_3RD[low]
    if low in _INVARIANT or low.endswith("s") or (low.endswith("ed") and low not in _EED):
        return verb
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    if low.endswith(("ch", "sh", "x", "z", "o")):
        return verb + "es"
    return verb + "s"


def base_verb(verb: str) -> str:
    """The plain form of a third-person verb: "finishes" -> "finish", "revises" -> "revise"."""
    low = verb.lower()
    if low in _IRREGULAR_BASE:
        return _IRREGULAR_BASE[low]
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    if low.endswith("s") and not low.endswith("ss"):
        return verb[:-1]
    return verb


def gerund_base(verb: str) -> str:
    """The plain form of an -ing verb: "letting" -> "let", "preparing" -> "prepare"."""
    low = verb.lower()
    if not low.endswith("ing") or len(low) < 5:
        return verb
    stem = verb[:-3]
    if re.search(r"([b-df-hj-np-tv-z])\1$", stem.lower()) and not stem.lower().endswith(
        ("ll", "ss", "ff", "zz")
    ):
        return stem[:-1]
    if re.search(r"[^aeiou][aeiou][b-df-hj-np-tv]$", stem.lower()) and len(stem) <= 6:
        return stem + "e"
    return stem


def participle_base(verb: str) -> str:
    """The plain form of a past participle: "printed" -> "print", "shared" -> "share",
    "planned" -> "plan", "copied" -> "copy" (for a task said in the passive)."""
    low = verb.lower()
    if not low.endswith("ed") or len(low) < 5:
        return verb
    stem, low_stem = verb[:-2], low[:-2]
    if low.endswith("ied"):
        return verb[:-3] + "y"
    if re.search(r"([b-df-hj-np-tv-z])\1$", low_stem) and not low_stem.endswith(
        ("ll", "ss", "ff", "zz")
    ):
        return stem[:-1]
    silent_e = re.search(
        r"[^aeiou][aeiou][tdrlzsvncgkpmb]$|(?:ng|rg|dg|nc|rc|ns|rs|rv|lv|[bdgktp]l)$", low_stem
    )
    if silent_e and not re.search(r"(?:it|en|er|on|or|el|om|ed|ad)$", low_stem):
        return stem + "e"
    return stem


def strip_hedges(text: str) -> str:
    """``text`` without opening fillers and hedges, capitalised, without end punctuation."""
    text = _HEDGE.sub("", text.strip()).strip().rstrip(" ,;.!")
    return text[:1].upper() + text[1:]


def third_person(text: str, speaker: str | None) -> str:
    """A spoken sentence as a minute: "I estimate three weeks" -> "Evan estimates three weeks".

    ``speaker`` names the one who said it; without a name the first person is
    left alone (there is no one to name).
    """
    out = strip_hedges(text)
    for pattern, repl in _WE:
        out = re.sub(pattern, repl, out, flags=re.IGNORECASE)
    if speaker:
        out = re.sub(r"\bI'm\b|\bI am\b", f"{speaker} is", out)
        out = re.sub(r"\bI've\b", f"{speaker} has", out)
        out = re.sub(r"\bI'll\b", f"{speaker} will", out)
        out = re.sub(r"\bI'd\b", f"{speaker} would", out)
        out = re.sub(r"\bI don't\b|\bI do not\b", f"{speaker} does not", out)
        out = re.sub(r"\bI was\b", f"{speaker} was", out)
        out = re.sub(
            r"(?<!-)\bI (not |also |really |just )?([a-z]+)\b",  # not "a C-I pipeline"
            lambda m: f"{speaker} {m.group(1) or ''}{third_person_verb(m.group(2))}",
            out,
        )
        out = re.sub(r"\bmy\b", f"{speaker}'s", out, flags=re.IGNORECASE)
        out = re.sub(r"\bme\b", speaker, out)
    out = out.replace(" is not going to ", " will not ")
    return out[:1].upper() + out[1:]
