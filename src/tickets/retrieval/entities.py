"""Entities pulled out of ticket and KB text by pattern: they become knowledge-graph nodes.

Kinds: ``error`` (E4711, 0x80070005, HTTP 503, NullPointerException), ``component``
(dotted names such as org.apache.hadoop.fs or dfs.namenode.name.dir, CamelCase class names,
hyphenated modules such as hadoop-yarn-common), ``version`` (v2.3, 3.3.0), ``code`` (ORA-00942,
HADOOP-1234) and ``product`` (names from the products table). Values are lower-cased so that
``E4711`` in a ticket and ``e4711`` in a KB article meet on the same node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("error", re.compile(r"\b(?:E|ERR|ERROR)[-_]?\d{3,6}\b", re.IGNORECASE)),
    ("error", re.compile(r"\b0x[0-9A-Fa-f]{6,8}\b")),
    ("code", re.compile(r"\b[A-Z][A-Z0-9]{0,9}-\d{2,6}\b")),  # ORA-00942, V-3090, HADOOP-1234
    ("error", re.compile(r"\bHTTP[ /]?[45]\d\d\b", re.IGNORECASE)),
    ("error", re.compile(r"\b[A-Z][A-Za-z]+(?:Exception|Error)\b")),
    ("component", re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,}\b")),
    ("component", re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\b")),
    ("component", re.compile(r"\b[a-z][a-z0-9]+(?:-[a-z][a-z0-9]+){2,}\b")),
    ("version", re.compile(r"(?<![\w:.])(?:v\d+(?:\.\d+){1,3}|\d+\.\d+\.\d+(?:\.\d+)?)(?![\w.])")),
)
_KB_CITATION = re.compile(r"\[(KB-[A-Za-z0-9_-]+)\]")
_ANY_CITATION = re.compile(r"\[[A-Z][A-Z0-9]*-[A-Za-z0-9_-]+\]")
_TICKET_CITATION = re.compile(r"\[(T-[A-Za-z0-9_-]+)\]")
_EXCEPTION_SUFFIX = ("exception", "error")


@dataclass(frozen=True)
class EntityExtractor:
    """Extract typed entities; ``products`` are matched as whole words, case-insensitively."""

    products: tuple[str, ...] = ()
    max_per_text: int = 40
    _product_pattern: re.Pattern[str] | None = field(init=False, repr=False, default=None)
    _product_names: frozenset[str] = field(init=False, repr=False, default=frozenset())

    def __post_init__(self) -> None:
        names = sorted({p for p in self.products if p}, key=len, reverse=True)
        object.__setattr__(self, "_product_names", frozenset(n.lower() for n in names))
        if names:
            alternatives = "|".join(re.escape(n) for n in names)
            pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
            object.__setattr__(self, "_product_pattern", pattern)

    def extract(self, text: str) -> list[str]:
        """Entity keys like ``error:e4711`` in order of first appearance, without repeats.

        Citations such as ``[KB-0012]`` or ``[TCK-42]`` are links, not entities: skipped.
        """
        text = _ANY_CITATION.sub(" ", text or "")
        found: dict[str, None] = {}
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(text):
                value = match.group().lower()
                if kind == "component" and (
                    _is_plain_word(value)
                    or value.endswith(_EXCEPTION_SUFFIX)
                    or value in self._product_names
                ):
                    continue
                if kind == "code" and value.startswith("kb-"):
                    continue
                found.setdefault(f"{kind}:{_normalise(kind, value)}", None)
        if self._product_pattern is not None:
            for match in self._product_pattern.finditer(text):
                found.setdefault(f"product:{match.group().lower()}", None)
        return list(found)[: self.max_per_text]

    def extract_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.extract(t) for t in texts]


def error_codes(entities: list[str]) -> list[str]:
    """The error and product codes among entity keys, upper-cased as people write them."""
    codes = []
    for key in entities:
        kind, _, value = key.partition(":")
        if kind in ("error", "code") and any(c.isdigit() for c in value):
            codes.append(value.upper())
    return codes


def kb_citations(text: str | None) -> list[str]:
    """KB ids cited as ``[KB-0012]`` in a resolution, in order, without repeats."""
    return list(dict.fromkeys(_KB_CITATION.findall(text or "")))


def _normalise(kind: str, value: str) -> str:
    if kind == "version":
        return value.lstrip("v")
    if (
        kind == "error"
        and value.startswith(("err", "error"))
        and not value.endswith(_EXCEPTION_SUFFIX)
    ):
        return "e" + re.sub(r"^[a-z]+[-_]?", "", value)
    return value


def _is_plain_word(value: str) -> bool:
    return value.isalpha() and "." not in value and "-" not in value and len(value) < 6
