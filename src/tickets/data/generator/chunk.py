"""One chunk of tickets, from arrival times to the canonical table, all vectorised."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tickets.data.generator.arrivals import draw_times
from tickets.data.generator.canonical import ticket_table
from tickets.data.generator.csat import Csat, draw_csat
from tickets.data.generator.lifecycle import ChunkTickets, Lifecycle, draw_lifecycle, draw_tickets
from tickets.data.generator.state import TicketState, as_of
from tickets.data.generator.text import render_text
from tickets.data.generator.text_bank import TextBank
from tickets.data.generator.voice import draw_voice
from tickets.data.generator.world import World, stream


@dataclass
class Chunk:
    tickets: ChunkTickets
    lifecycle: Lifecycle
    state: TicketState
    csat: Csat
    tone: np.ndarray
    table: pa.Table  # canonical tickets + x_ extras, in creation order


def generate_chunk(
    world: World, bank: TextBank | None, index: int, days: tuple[int, int], first_number: int
) -> Chunk | None:
    """The tickets created on days [first, end); None when there are none."""
    settings = world.settings
    rng = stream(settings.seed, "chunks", index)
    first_day, end_day = days
    counts = world.arrivals.counts[first_day:end_day]
    created, issue, day = draw_times(
        rng, counts, first_day, world.start_epoch, settings.arrivals.hour
    )
    if created.size == 0:
        return None
    tickets = draw_tickets(world, rng, created, issue, day)
    lifecycle = draw_lifecycle(world, rng, tickets)
    state = as_of(world, tickets, lifecycle)
    csat = draw_csat(world, rng, tickets, lifecycle, state)
    language, tone = draw_voice(world, rng, tickets)
    text = render_text(bank, rng, tickets, state, language, tone) if bank else None
    table = ticket_table(world, tickets, state, csat, first_number, text, language, tone)
    return Chunk(tickets, lifecycle, state, csat, tone, table)


def chunk_stream(world: World, bank: TextBank | None) -> Iterator[Chunk]:
    """Every chunk in creation order; ticket numbers run on across chunks."""
    number = 1
    for index, days in enumerate(world.arrivals.chunks(world.settings.chunk_rows)):
        chunk = generate_chunk(world, bank, index, days, number)
        if chunk is not None:
            number += len(chunk.tickets)
            yield chunk
