"""Subject, body and resolution for a whole chunk: pool keys in numpy, strings in Arrow.

Body = greeting · tone opening · issue core · details · error code · version · closing ·
signature, where chat drops the letter parts and phone calls become agent notes. Optional
parts are empty strings in their pools, so lengths vary without branches. Typos come from
pre-rendered typo variants; a few customers type everything in lower case. Resolutions exist
for resolved and closed tickets and cite the issue's KB article as ``[KB-0001]``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tickets.data.generator.canonical import LANGUAGES, TONES
from tickets.data.generator.catalog import CHANNELS, PRODUCTS
from tickets.data.generator.lifecycle import ChunkTickets
from tickets.data.generator.state import TicketState
from tickets.data.generator.text_bank import STYLES, TextBank

_STYLE_OF_CHANNEL = np.array([{"chat": 1, "phone": 2}.get(c, 0) for c in CHANNELS])
_ANGRY = TONES.index("angry")
_RESOLVED = (3, 4)  # STATUSES indices of resolved and closed


def render_text(
    bank: TextBank,
    rng: np.random.Generator,
    t: ChunkTickets,
    state: TicketState,
    language: np.ndarray,
    tone: np.ndarray,
) -> dict[str, pa.Array]:
    n, issues = len(t), bank.issue_count
    lang = language.astype(np.int64)
    issue = t.issue.astype(np.int64)
    style = _STYLE_OF_CHANNEL[t.channel]
    written = style == 0
    english = lang == 0
    typo = (rng.random(n) < bank.typo_rate).astype(np.int64)
    angry = (tone == _ANGRY).astype(np.int64)
    tone_key = lang * len(TONES) + tone
    empty_closing = len(LANGUAGES) * len(TONES)
    parts = [
        bank.greeting.pick(lang * len(STYLES) + style, rng.random(n)),
        bank.opening.pick(tone_key, rng.random(n)),
        bank.core.pick((lang * issues + issue) * 2 + typo, rng.random(n)),
        bank.detail.pick(np.where(english & written, issue, issues), rng.random(n)),
        bank.generic_detail.pick(np.where(english & written, 0, 1), rng.random(n)),
        bank.error.pick(lang * issues + issue, rng.random(n)),
        bank.version.pick(lang * len(PRODUCTS) + bank.issue_product[issue], rng.random(n)),
        bank.closing.pick(np.where(written, tone_key, empty_closing), rng.random(n)),
        bank.signature.pick(np.where(written, lang, len(LANGUAGES)), rng.random(n)),
    ]
    body = pc.binary_join_element_wise(*parts, "")
    body = pc.utf8_rtrim_whitespace(pc.replace_substring(body, " \n\n", "\n\n"))
    body = _lowercase_some(body, rng.random(n) < bank.lowercase_rate)
    subject_key = ((lang * issues + issue) * 2 + typo) * 2 + angry
    resolved = np.isin(state.status, _RESOLVED)
    return {
        "subject": bank.subject.pick(subject_key, rng.random(n)),
        "body": body,
        "resolution": bank.resolution.pick(issue, rng.random(n), mask=~resolved),
    }


def _lowercase_some(body: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return body
    lowered = pc.utf8_lower(body.filter(pa.array(mask)))
    return pc.replace_with_mask(body, pa.array(mask), lowered)
