"""Optional rewrite of the extractive answer by any OpenAI-compatible chat endpoint.

Off by default (``retrieval.generator.enabled=false``): nothing here runs, and nothing breaks
without it. When on, the extractive lines and their sources go to ``POST {base_url}/chat/
completions``; the reply is accepted only if every line cites a source it was given, otherwise
the extractive answer stands and the caller gets a warning.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence

from tickets.retrieval.answer import AnswerLine
from tickets.retrieval.settings import GeneratorSettings

_CITATION = re.compile(r"\[([A-Z][A-Z0-9]*-[A-Za-z0-9_-]+)\]")  # [KB-0012], [TCK-4411]
SYSTEM_PROMPT = (
    "You help a support agent. Rewrite the numbered source lines into a short, ordered fix for "
    "the customer's problem. Use only facts from the lines. End every line with the citations "
    "of the lines it came from, exactly as given, e.g. [KB-0012] or [T-4411]."
)


class GeneratorError(RuntimeError):
    """The endpoint failed or answered without valid citations."""


def generate_answer(settings: GeneratorSettings, query: str, lines: Sequence[AnswerLine]) -> str:
    """The endpoint's rewrite of ``lines``; raises GeneratorError when it cannot be trusted."""
    if not settings.base_url or not settings.model:
        raise GeneratorError(
            "retrieval.generator.enabled is true but base_url or model is not set: set "
            "retrieval.generator.base_url=http://HOST/v1 retrieval.generator.model=NAME"
        )
    sources = "\n".join(f"{i}. {line.render()}" for i, line in enumerate(lines, start=1))
    body = {
        "model": settings.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Problem:\n{query}\n\nSource lines:\n{sources}"},
        ],
    }
    reply = _post(settings, body)
    return _checked(reply, {c for line in lines for c in line.citations})


def _post(settings: GeneratorSettings, body: dict[str, object]) -> str:
    url = settings.base_url.rstrip("/") + "/chat/completions"  # type: ignore[union-attr]
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(settings.api_key_env)
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            payload = json.loads(response.read().decode("utf-8"))
        return str(payload["choices"][0]["message"]["content"])
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise GeneratorError(f"generator at {url} is unreachable: {err}") from err
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise GeneratorError(f"generator at {url} sent an unexpected reply: {err!r}") from err


def _checked(reply: str, allowed: set[str]) -> str:
    lines = [ln.strip() for ln in reply.strip().splitlines() if ln.strip()]
    if not lines:
        raise GeneratorError("generator returned an empty answer")
    for line in lines:
        cited = {f"[{c}]" for c in _CITATION.findall(line)}
        if not cited:
            raise GeneratorError(f"generated line has no citation: {line[:80]!r}")
        if not cited <= allowed:
            raise GeneratorError(f"generated line cites unknown sources {sorted(cited - allowed)}")
    return "\n".join(lines)
