"""The extractive suggested resolution: steps from the best KB article and from the resolutions
of the most similar solved tickets, deduplicated, each line citing where it came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tickets.retrieval.documents import Document

NO_CONFIDENT_ANSWER = "no confident answer"

_STEP_MARK = re.compile(r"^\s*(?:\d+[.)]|[-*•]|step\s+\d+[:.])\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_CITATION = re.compile(r"\s*\[[A-Z][A-Z0-9]*-[A-Za-z0-9_-]+\]")
_WORDS = re.compile(r"[a-z0-9]+")
_MIN_WORDS = 3
_DUPLICATE_JACCARD = 0.7


@dataclass
class AnswerLine:
    text: str
    citations: list[str] = field(default_factory=list)

    def render(self) -> str:
        return f"{self.text} {''.join(self.citations)}".strip()


@dataclass(frozen=True)
class Answer:
    lines: tuple[AnswerLine, ...]
    confidence: float
    threshold: float
    calibrated: bool
    generated: str | None = None  # text from the optional LLM generator, citations checked

    @property
    def confident(self) -> bool:
        return self.confidence >= self.threshold and bool(self.lines)

    @property
    def text(self) -> str:
        if not self.confident:
            return NO_CONFIDENT_ANSWER
        if self.generated:
            return self.generated
        return "\n".join(line.render() for line in self.lines)


def compose_lines(
    best_kb: Document | None, tickets: Sequence[Document], max_lines: int
) -> list[AnswerLine]:
    """KB steps first (up to all but two lines), then new lines from ticket resolutions."""
    lines: list[AnswerLine] = []
    if best_kb is not None:
        for step in split_steps(best_kb.body)[: max(max_lines - 2, 1)]:
            _add(lines, step, best_kb.citation)
    for ticket in tickets:
        for step in split_steps(ticket.resolution):
            if len(lines) >= max_lines:
                return lines
            _add(lines, step, ticket.citation)
    return lines[:max_lines]


def split_steps(text: str | None) -> list[str]:
    """Numbered or bulleted lines when there are any, otherwise sentences; citations removed."""
    raw = [ln for ln in (text or "").splitlines() if ln.strip()]
    marked = [ln for ln in raw if _STEP_MARK.match(ln)]
    pieces = marked if len(marked) >= 2 else _SENTENCE_END.split(" ".join(raw))
    steps = []
    for piece in pieces:
        clean = _CITATION.sub("", _STEP_MARK.sub("", piece)).strip(" -")
        if len(_WORDS.findall(clean.lower())) >= _MIN_WORDS:
            steps.append(clean)
    return steps


def _add(lines: list[AnswerLine], text: str, citation: str) -> None:
    words = set(_WORDS.findall(text.lower()))
    for line in lines:
        seen = set(_WORDS.findall(line.text.lower()))
        if words and len(words & seen) / len(words | seen) >= _DUPLICATE_JACCARD:
            if citation not in line.citations:
                line.citations.append(citation)
            return
    lines.append(AnswerLine(text, [citation]))
