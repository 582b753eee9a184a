"""How the customer writes: language and tone, drawn for every ticket (text or not).

Tone carries the planted sentiment drop: inside its window, the queue's customers write
angrier tickets. ``x_sentiment_true`` records the tone as a number in [-1, 1].
"""

from __future__ import annotations

import numpy as np

from tickets.data.generator.canonical import LANGUAGES, TONES
from tickets.data.generator.csat import in_drop
from tickets.data.generator.lifecycle import ChunkTickets
from tickets.data.generator.world import World


def _shares(mapping: dict[str, float], names: tuple[str, ...]) -> np.ndarray:
    values = np.array([mapping.get(name, 0.0) for name in names], dtype=np.float64)
    return values / values.sum()


def draw_voice(
    world: World, rng: np.random.Generator, t: ChunkTickets
) -> tuple[np.ndarray, np.ndarray]:
    """(language index into LANGUAGES, tone index into TONES) per ticket."""
    style, n = world.settings.text_style, len(t)
    foreign = _shares(style.languages, LANGUAGES[1:])
    language = np.where(
        rng.random(n) < style.non_english_share,
        1 + rng.choice(len(foreign), size=n, p=foreign),
        0,
    ).astype(np.int8)
    tone = rng.choice(len(TONES), size=n, p=_shares(style.tones, TONES)).astype(np.int8)
    angry = in_drop(world, t)
    if angry.any():
        shifted = _shares(world.settings.planted.sentiment_drop.tones, TONES)
        tone[angry] = rng.choice(len(TONES), size=int(angry.sum()), p=shifted)
    return language, tone
