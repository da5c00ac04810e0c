"""Reflection themes: families of phrasings and negation rules added after blind set A's misses.

Each case stands for a family (a lemma with its forms, a construction), not for one answer
of a test set; the blind set A gate at the end keeps the tuning honest about what it fixed.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from assistant.evaluation import themes as themes_evaluation
from assistant.reflection import ThemeFinder, get_finder
from assistant.settings import DEFAULT_SPACY_MODEL

ROOT = Path(__file__).resolve().parents[2]
REFLECTION_SETS = ROOT / "tests" / "reflection"


@pytest.fixture(scope="session")
def finder() -> ThemeFinder:
    return get_finder(DEFAULT_SPACY_MODEL)


@pytest.mark.parametrize(
    "text, expected",
    [
        # loneliness: nobody close or around, friends missing, "by my self"
        ("there's nobody close to me", ["loneliness"]),
        ("no close friends", ["loneliness"]),
        ("when nobody's around", ["loneliness"]),
        ("i have nobody", ["loneliness"]),
        ("I haven't got any real friends", ["loneliness"]),
        ("no one to go out with", ["loneliness"]),
        ("when i am by my self", ["loneliness"]),
        ("It's made me feel really distant from my husband", ["loneliness", "partner_trust"]),
        # rejection: criticised, made to feel small, let down, knocked back
        ("she always criticises me", ["rejection"]),
        ("my boss makes me feel useless", ["rejection", "work_routine"]),
        ("feeling let down by people", ["rejection"]),
        ("after a knock back", ["rejection"]),
        ("my confidence is on the floor", ["rejection"]),
        ("i feel like i don't matter", ["rejection"]),
        ("i haven't been touched in years", ["rejection"]),
        # validation: nice things said, interest shown, feeling the most interesting
        ("someone who'll say nice things to me", ["validation"]),
        ("someone showing interest in me", ["validation"]),
        ("i feel like the most important person in the room", ["validation"]),
        ("it makes me feel young again", ["validation"]),
        ("getting likes", ["validation"]),
        # boredom
        ("idk something to do", ["boredom"]),
        ("nothing really happening", ["boredom"]),
        ("there's nothing else going on", ["boredom"]),
        ("it breaks the monotony", ["boredom"]),
        ("nothing on telly", ["boredom"]),
        # chasing: time slipping, going back on, the pull
        ("then suddenly it's 1am", ["chasing", "sleep"]),
        ("before I know it the evening's gone", ["chasing", "work_routine"]),
        ("then i want to go back on", ["chasing"]),
        ("i log back in straight away", ["chasing"]),
        ("I lose all sense of time", ["chasing"]),
        ("just five more minutes", ["chasing"]),
        ("i go from one app to the next", ["chasing"]),
        ("i feel a pull", ["chasing"]),
        # shame afterwards: turned on oneself
        ("after, angry with myself", ["shame_after"]),
        ("disappointed in myself", ["shame_after"]),
        ("sick to my stomach", ["shame_after"]),
        ("after i feel stupid", ["shame_after"]),
        ("after I feel like I let her down", ["shame_after"]),
        ("i dont feel anything after", ["shame_after"]),
        # anxiety
        ("head buzzing and can't switch off", ["anxiety_stress"]),
        ("my mind won't stop", ["anxiety_stress"]),
        ("my head is all over the place", ["anxiety_stress"]),
        # escape and soothing
        ("i go on to distract myself", ["escape_soothing"]),
        ("it helps me switch my brain off", ["escape_soothing"]),
        ("so I don't have to think about it", ["escape_soothing"]),
        ("it blocks everything out", ["escape_soothing"]),
        ("my mind goes quiet", ["escape_soothing"]),
        ("some peace and quiet", ["escape_soothing"]),
        ("it chills me out", ["escape_soothing"]),
        # body: pain, where in the body, numbness in it
        ("back pain", ["body_sensations"]),
        ("anxiety in my chest", ["anxiety_stress", "body_sensations"]),
        ("to feel good in my own body", ["body_sensations"]),
        ("I feel nothing in my body", ["body_sensations"]),
        ("my body is buzzing", ["body_sensations"]),
        # secrecy
        ("separate phones", ["secrecy"]),
        ("kept to myself", ["secrecy"]),
        ("i keep it quiet", ["secrecy"]),
        ("i keep it from my wife", ["secrecy", "partner_trust"]),
        ("i do it when she's not looking", ["secrecy"]),
        ("no one would guess", ["secrecy"]),
        ("I use a different name", ["secrecy"]),
        # partner: sex life, drifting apart
        ("we dont sleep together anymore", ["partner_trust"]),
        ("we've stopped having sex", ["partner_trust"]),
        ("we're drifting apart", ["partner_trust"]),
        ("we barely touch each other anymore", ["partner_trust"]),
        # sleep
        ("bad night, worse day", ["sleep"]),
        ("bed by 2 most nights", ["sleep"]),
        # work and the week
        ("it's 4am and I've got work", ["sleep", "work_routine"]),
        ("a break from being a manager", ["escape_soothing", "work_routine"]),
        ("when my wife's gone up to bed", ["partner_trust", "work_routine"]),
        ("after the kids go down", ["work_routine"]),
        ("on my days off", ["work_routine"]),
        # exercise, mood
        ("I've let my fitness go", ["exercise"]),
        ("i cry a lot", ["mood_energy"]),
        # wishes
        ("it makes me feel in control for once", ["wish_choice"]),
        ("to have a healthier relationship with my phone", ["wish_choice"]),
        ("for me and my husband to actually talk properly", ["partner_trust", "wish_honesty"]),
        ("to not have secrets", ["wish_honesty"]),
        ("a girlfriend who actually exists", ["partner_trust", "wish_connection"]),
        ("a real relationship", ["partner_trust", "wish_connection"]),
        ("more time with my kids", ["wish_presence"]),
        ("like I'm not really there at dinner", ["wish_presence"]),
        ("to enjoy the moment", ["wish_presence"]),
        # after blind set B's first run
        ("the house is so silent when he's away", ["loneliness"]),
        ("somebody to cuddle", ["loneliness", "wish_connection"]),
        ("when a match unmatches me", ["rejection"]),
        ("she never wants to be touched", ["rejection"]),
        ("High, then the crash", ["excitement", "shame_after"]),
        ("I swear I'm done and then do it again the next night", ["chasing"]),
        ("keyed up and restless", ["body_sensations"]),
        ("scared someone will look at my screen", ["anxiety_stress", "secrecy"]),
        ("worried my wife might find out", ["anxiety_stress", "partner_trust", "secrecy"]),
        ("my best mate knows but nobody else", ["secrecy"]),
        ("I never mention it", ["secrecy"]),
        ("we hardly have sex now", ["partner_trust"]),
        ("my head is somewhere else with the kids", ["wish_presence"]),
        ("half listening to my wife", ["partner_trust", "wish_presence"]),
        ("to feel good without needing strangers", ["wish_choice"]),
        ("meeting real people", ["wish_connection"]),
        ("a partner, to not be alone", ["loneliness", "partner_trust"]),
        ("I can't face it after work", ["escape_soothing", "work_routine"]),
    ],
)
def test_families_of_phrasings(finder: ThemeFinder, text: str, expected: List[str]) -> None:
    assert sorted(finder.find(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a wish not to feel something says the feeling is there
        ("to not feel lonely", ["loneliness"]),
        ("not to feel so alone", ["loneliness"]),
        # ... but a wish not to have to do something does not
        ("to not have to hide", ["wish_honesty"]),
        # a wish not to have something wanted is not that wish
        ("I'd rather not talk to a real person", []),
        # the negation moves the object, not the theme
        ("not secret from my wife but from my kids", ["secrecy", "partner_trust"]),
        ("not anxious about work but about money", ["anxiety_stress", "work_routine"]),
        # "used to" is not a wish
        ("I used to run, stopped during covid", ["exercise"]),
        # sleep described as fine is not sleep (GUIDELINE.md)
        ("sleep ok, gym 4 times a week", ["exercise"]),
        ("my sleep is fine thank you", []),
        # described, not wished for
        ("I don't have secrets from my boyfriend", ["partner_trust"]),
        ("our relationship is struggling", ["partner_trust"]),
    ],
)
def test_negation_and_wish_rules(finder: ThemeFinder, text: str, expected: List[str]) -> None:
    assert sorted(finder.find(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text, absent",
    [
        ("after my ex posts something with her new guy", "excitement"),
        ("a quick hit of feeling desired", "excitement"),
        ("cant really feel much in my body, like cut off from it", "loneliness"),
        ("I go in the bathroom so nobody sees", "rejection"),
        ("she checks my phone every night", "chasing"),
        ("I keep the peace at home", "escape_soothing"),
        ("it's a pain to explain", "body_sensations"),
        ("I run a small business", "exercise"),
        ("get back on track", "chasing"),
        ("a night out with friends", "sleep"),
        ("no one knows me better than my wife", "secrecy"),
        ("stressed out of my head", "escape_soothing"),
        ("I want to delete everything", "secrecy"),
        ("my self-esteem is at zero", "loneliness"),
        ("she cried when I told her", "mood_energy"),
        ("what if someone finds out", "excitement"),
        ("I spend too much time on the apps", "boredom"),
        ("he tore into me at work", "mood_energy"),
        ("nothing really happens before it", "boredom"),
        ("when he's online I feel sick and after I can't look at him", "shame_after"),
        ("I feel like a hypocrite at church", "shame_after"),
        ("my neck hurts from sitting at the desk all day", "exercise"),
        ("I want my weekends back for hobbies", "wish_choice"),
        ("we moved to a new city last year", "exercise"),
        ("when the kids are waking up", "sleep"),
        ("pretending to work at my desk", "secrecy"),
        ("then I check my bank balance", "chasing"),
        ("eating rubbish, then online", "shame_after"),
        ("less screen time", "chasing"),
        ("seeing my ex with someone new", "excitement"),
        ("the dread creeping in", "shame_after"),
        ("High school was hard", "excitement"),
        ("someone who listens without judging", "validation"),
    ],
)
def test_other_senses_of_new_cues(finder: ThemeFinder, text: str, absent: str) -> None:
    assert absent not in finder.find(text)


@pytest.mark.parametrize(
    "name, precision, recall",
    [("blind_a.yml", 0.97, 0.92), ("blind_e.yml", 0.95, 0.95), ("blind_f.yml", 0.95, 0.95)],
)
def test_blind_sets_after_tuning_on_them(
    finder: ThemeFinder, name: str, precision: float, recall: float
) -> None:
    """Blind sets A, E and F were tuned on after their first runs (README): regression gates,
    not measurements; scored as ``scripts/evaluate_themes.py`` scores them."""
    scores, _ = themes_evaluation.evaluate(finder, themes_evaluation.load_answers(REFLECTION_SETS / name))
    assert scores.precision() >= precision
    assert scores.recall() >= recall


@pytest.mark.parametrize(
    "text, expected",
    [
        # families added after blind sets E and F (each a construction, not a sentence of theirs)
        ("I was gonna say anxious but it's more that I'm fed up", ["mood_energy"]),
        ("i was going to say i feel bored but really i feel ignored", ["rejection"]),
        ("I'm the one running the chat", []),
        ("I get picked, out of all of them", []),
        ("after a rubbish week at the office", ["work_routine"]),
        ("a terrible night, then a long drive", ["sleep"]),
        ("my mum would be mortified", []),
        ("the flat seems so quiet when he's out", ["loneliness"]),
        ("when they don't answer my messages", ["rejection"]),
        ("worse afterwards", ["shame_after"]),
        ("worried my husband will come in", ["anxiety_stress", "partner_trust", "secrecy"]),
        ("I'd like somewhere I could be honest", ["wish_honesty"]),
        ("to quit hiding it", ["wish_honesty"]),
        ("tired and flat most days", ["body_sensations", "mood_energy"]),
        ("I've not got any motivation", ["mood_energy"]),
        ("I've grown distant from my girlfriend", ["loneliness", "partner_trust"]),
        ("we feel a bit less connected", ["loneliness"]),
        ("being honest, it's mostly evenings", ["work_routine"]),
        ("awake for hours", ["chasing", "sleep"]),
        ("scared someone at church finds out", ["anxiety_stress", "secrecy"]),
    ],
)
def test_families_from_blind_sets_e_and_f(finder: ThemeFinder, text: str, expected: List[str]) -> None:
    assert sorted(finder.find(text)) == sorted(expected)


@pytest.mark.parametrize(
    "text, present, absent",
    [
        # the families added after E and F must not reach past their own sense (review, session 9)
        ("Afterwards I'd feel ashamed and delete everything", "shame_after", None),
        ("after, I would feel so embarrassed", "shame_after", None),
        ("I'd like to try being honest, for once", "wish_honesty", None),
        ("I can't stop lying to my wife", "secrecy", None),
        ("when I go running it clears my head", "exercise", None),
        ("I'm awake for hours on the apps", "chasing", None),
        ("I was going to say stressed but also lonely", "anxiety_stress", None),
        ("I was going to say it's just boredom but it's more that I feel rejected", "rejection", "boredom"),
        ("it got worse after lockdown", None, "shame_after"),
        ("I've been flat out at work", "work_routine", "mood_energy"),
        ("I've been flat broke since christmas", None, "mood_energy"),
        ("they don't answer the phone at the bank", None, "rejection"),
        ("it's not motivation, it's habit", None, "mood_energy"),
        ("somewhere I can be myself", None, "wish_honesty"),
        ("I'm afraid my partner will look elsewhere", "partner_trust", "secrecy"),
    ],
)
def test_new_families_keep_to_their_sense(
    finder: ThemeFinder, text: str, present: str | None, absent: str | None
) -> None:
    found = finder.find(text)
    assert present is None or present in found
    assert absent is None or absent not in found
