"""A small PromQL parser for checking the alert rules without promtool (not installed here).

It covers the language the rules and dashboard use: vector selectors with label matchers and
range windows, function calls, aggregations with ``by``/``without``, unary minus, and binary
operators with PromQL's precedence (``or`` < ``and``/``unless`` < comparisons (``bool``) <
``+ -`` < ``* / %`` < ``^``). It raises ``PromQLError`` on anything else, and returns the
metric names an expression reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FUNCTIONS = {
    "abs",
    "absent",
    "absent_over_time",
    "avg_over_time",
    "ceil",
    "changes",
    "clamp",
    "clamp_max",
    "clamp_min",
    "count_over_time",
    "delta",
    "deriv",
    "exp",
    "floor",
    "histogram_quantile",
    "increase",
    "irate",
    "label_replace",
    "ln",
    "max_over_time",
    "min_over_time",
    "predict_linear",
    "rate",
    "resets",
    "round",
    "scalar",
    "sort",
    "sort_desc",
    "sum_over_time",
    "time",
    "timestamp",
    "vector",
}
AGGREGATIONS = {
    "sum",
    "min",
    "max",
    "avg",
    "count",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "group",
}
LEVELS = [
    {"or"},
    {"and", "unless"},
    {"==", "!=", ">", "<", ">=", "<="},
    {"+", "-"},
    {"*", "/", "%"},
    {"^"},
]
TOKEN = re.compile(
    r"\s*(?:(?P<duration>\[\d+[smhdwy]\])|(?P<number>\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r"|(?P<string>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')"
    r"|(?P<op>=~|!~|==|!=|>=|<=|[-+*/%^<>=(){},])|(?P<name>[A-Za-z_:][A-Za-z0-9_:]*))"
)


class PromQLError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    text = text.strip()
    while at < len(text):
        match = TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise PromQLError(f"cannot read {text[at : at + 20]!r} at offset {at}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        at = match.end()
    return tokens


@dataclass
class Parser:
    tokens: list[tuple[str, str]]
    at: int = 0
    metrics: set[str] = field(default_factory=set)

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise PromQLError(f"unexpected end, expected {expected or 'more'}")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise PromQLError(f"expected {expected!r}, got {token[1]!r}")
        self.at += 1
        return token

    def expression(self, level: int = 0) -> None:
        if level == len(LEVELS):
            return self.unary()
        self.expression(level + 1)
        while self.peek() in LEVELS[level]:
            self.take()
            if self.peek() == "bool":
                self.take()
            self.expression(level + 1)

    def unary(self) -> None:
        if self.peek() in ("-", "+"):
            self.take()
        kind, value = self.take()
        if kind == "number" or kind == "string":
            return
        if value == "(":
            self.expression()
            self.take(")")
        elif kind == "name" and value in AGGREGATIONS:
            self.aggregation()
        elif kind == "name" and self.peek() == "(":
            if value not in FUNCTIONS:
                raise PromQLError(f"unknown function {value!r}")
            self.arguments()
        elif kind == "name":
            self.selector(value)
        else:
            raise PromQLError(f"unexpected {value!r}")
        if self.at < len(self.tokens) and self.tokens[self.at][0] == "duration":
            self.take()

    def aggregation(self) -> None:
        if self.peek() in ("by", "without"):
            self.take()
            self.labels()
        self.arguments()
        if self.peek() in ("by", "without"):
            self.take()
            self.labels()

    def arguments(self) -> None:
        self.take("(")
        if self.peek() != ")":
            self.expression()
            while self.peek() == ",":
                self.take()
                self.expression()
        self.take(")")

    def labels(self) -> None:
        self.take("(")
        while self.peek() != ")":
            kind, value = self.take()
            if kind != "name" and value != ",":
                raise PromQLError(f"bad label list near {value!r}")
        self.take(")")

    def selector(self, name: str) -> None:
        self.metrics.add(name)
        if self.peek() != "{":
            return
        self.take("{")
        while self.peek() != "}":
            if self.take()[0] != "name" or self.take()[1] not in ("=", "!=", "=~", "!~"):
                raise PromQLError(f"bad label matcher in {name}{{...}}")
            if self.take()[0] != "string":
                raise PromQLError(f"label values are quoted strings in {name}{{...}}")
            if self.peek() == ",":
                self.take()
        self.take("}")


def metric_names(expression: str) -> set[str]:
    """Parse ``expression``; return the metric names it reads (raises PromQLError)."""
    parser = Parser(tokenize(expression))
    parser.expression()
    if parser.at != len(parser.tokens):
        raise PromQLError(f"unexpected {parser.tokens[parser.at][1]!r} after a full expression")
    return parser.metrics
