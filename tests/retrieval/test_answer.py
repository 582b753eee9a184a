"""The extractive suggested resolution: steps, deduplication, one citation per source."""

from __future__ import annotations

from tickets.retrieval.answer import (
    NO_CONFIDENT_ANSWER,
    Answer,
    AnswerLine,
    compose_lines,
    split_steps,
)
from tickets.retrieval.documents import Document

KB = Document(
    "KB-0001",
    "kb",
    "Router-X: WAN drops",
    "Symptoms: WAN drops.\n1. Open the admin page.\n2. Set the MTU to 1492.\n3. Reboot the router.",
)
T1 = Document("TCK-1", "ticket", resolution="Set the MTU to 1492 [KB-0001]. Customer happy.")
T2 = Document("TCK-2", "ticket", resolution="Replaced the power supply of the router unit.")


def test_numbered_lines_are_steps_and_prose_is_split_into_sentences():
    assert split_steps(KB.body) == [
        "Open the admin page.",
        "Set the MTU to 1492.",
        "Reboot the router.",
    ]
    assert split_steps("Cleared the cache. Then reset the SSO session. Ok.") == [
        "Cleared the cache.",
        "Then reset the SSO session.",
    ]  # "Ok." is too short to be a step


def test_lines_cite_their_sources_and_duplicates_merge_their_citations():
    # TCK-1's "Set the MTU to 1492" repeats a KB step; "Customer happy." is too short to keep
    lines = compose_lines(KB, [T1, T2], max_lines=6)
    assert [line.render() for line in lines] == [
        "Open the admin page. [KB-0001]",
        "Set the MTU to 1492. [KB-0001][TCK-1]",
        "Reboot the router. [KB-0001]",
        "Replaced the power supply of the router unit. [TCK-2]",
    ]


def test_answer_is_capped_at_max_lines():
    assert len(compose_lines(KB, [T1, T2], max_lines=2)) == 2


def test_below_the_threshold_the_answer_is_no_confident_answer():
    lines = (AnswerLine("Set the MTU.", ["[KB-0001]"]),)
    assert Answer(lines, confidence=0.3, threshold=0.5, calibrated=True).text == NO_CONFIDENT_ANSWER
    assert (
        Answer(lines, confidence=0.7, threshold=0.5, calibrated=True).text
        == "Set the MTU. [KB-0001]"
    )
    assert not Answer((), confidence=0.9, threshold=0.5, calibrated=True).confident
