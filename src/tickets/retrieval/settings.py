"""Typed retrieval settings: the task functions build these from conf/retrieval/*.yaml.

Defaults live in the YAML; the dataclass defaults below only serve tests and library users who
build settings by hand, and they mirror conf/retrieval/hybrid.yaml.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any


@dataclass(frozen=True)
class LexicalSettings:
    k1: float = 1.2
    b: float = 0.75
    stemmer: str | None = "english"  # PyStemmer algorithm name; None keeps words as they are
    stopwords: str | None = "en"  # bm25s stop-word list name ("en", "de", ...); None keeps all
    split_identifiers: bool = True  # also index the parts of CamelCase and dotted.names


@dataclass(frozen=True)
class StaticSettings:
    """The static embedder distilled from MiniLM (retrieval/static_embedder.py)."""

    max_tokens: int = 256  # word pieces summed per text (the table makes long texts cheap)
    # full: distil all 30,522 word pieces (25 s, cached); corpus: only those the corpus uses
    # (seconds; pieces first seen later add nothing), for quick starter indexes
    vocabulary: str = "full"
    adapt_texts: int = 3000  # sample embedded by MiniLM to adapt the table to the corpus; 0: none
    epochs: int = 30
    learning_rate: float = 0.003
    seed: int = 0


@dataclass(frozen=True)
class DenseSettings:
    encoder: str = "static"  # static (distilled from MiniLM, fast) | minilm (the model itself)
    static: StaticSettings = field(default_factory=StaticSettings)
    batch_size: int = 64
    max_seq_length: int = 128  # word pieces kept per text; shorter is faster to embed
    ivf_threshold: int = 50_000  # exact (flat) search below this many vectors, IVF above
    ivf_nprobe: int = 24
    cache: bool = True
    title_field: bool = True  # also match the query against titles (ticket subjects) alone


@dataclass(frozen=True)
class GraphSettings:
    enabled: bool = True
    damping: float = 0.5  # probability of following an edge rather than restarting
    iterations: int = 20
    seed_hits: int = 10  # top fused hits that seed the personalised PageRank
    entity_seed_weight: float = 0.5  # share of the restart mass on the query's entities
    hub_degree: int = 200  # nodes above this degree are reached but not expanded
    weight: float = 0.2  # weight of the graph score when fused with the hybrid score
    issue_column: str = "category"


@dataclass(frozen=True)
class FusionSettings:
    method: str = "score"  # score | rrf | weighted_rrf
    # minmax | zscore | tmm, for every retriever or per retriever (score fusion only)
    normalisation: str | dict[str, str] = field(
        default_factory=lambda: {"bm25": "minmax", "dense": "tmm"}
    )
    # weights for a query without identifiers; see identifier_shift
    weights: dict[str, float] = field(default_factory=lambda: {"bm25": 0.25, "dense": 0.75})
    # dense weight moved to BM25 per unit of the query's share of identifier words, down to
    # identifier_floor (0: fixed weights)
    identifier_shift: float = 4.0
    identifier_floor: float = 0.2
    rrf_k: int = 60
    candidates: int = 100  # hits per method that enter the fusion


@dataclass(frozen=True)
class AnswerSettings:
    confidence_threshold: float = 0.5
    max_lines: int = 6
    similar_tickets: int = 3  # solved tickets whose resolutions feed the answer
    # how KB articles are ranked: direct retrieval, citations by similar tickets, graph mass
    kb_weights: dict[str, float] = field(
        default_factory=lambda: {"direct": 0.3, "cited": 0.5, "graph": 0.2}
    )


@dataclass(frozen=True)
class GeneratorSettings:
    enabled: bool = False
    base_url: str | None = None  # any OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"  # name of the environment variable, never the key
    timeout_s: float = 20.0


@dataclass(frozen=True)
class QuerySettings:
    max_chars: int = 2000  # longer queries are truncated, with a warning
    min_chars: int = 3


@dataclass(frozen=True)
class RetrievalSettings:
    method: str = "hybrid"
    top_k: int = 5
    lexical: LexicalSettings = field(default_factory=LexicalSettings)
    dense: DenseSettings = field(default_factory=DenseSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    fusion: FusionSettings = field(default_factory=FusionSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    generator: GeneratorSettings = field(default_factory=GeneratorSettings)
    query: QuerySettings = field(default_factory=QuerySettings)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RetrievalSettings:
        """Build from a plain dict (the resolved ``retrieval`` config); unknown keys are ignored."""
        return _build(cls, values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _build(kind: type, values: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for spec in fields(kind):
        if spec.name not in values:
            continue
        value = values[spec.name]
        nested = _nested_type(kind, spec.name)
        if nested is None:
            kwargs[spec.name] = dict(value) if isinstance(value, dict) else value
        elif value is not None:
            kwargs[spec.name] = _build(nested, value)
    return kind(**kwargs)


def _nested_type(kind: type, name: str) -> type | None:
    default = next(f for f in fields(kind) if f.name == name).default_factory  # type: ignore[misc]
    if callable(default):
        sample = default()
        if is_dataclass(sample):
            return type(sample)
    return None
