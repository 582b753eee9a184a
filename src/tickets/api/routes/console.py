"""``GET /``: the agent console, a static page (no build step, no CDN) served with a strict
Content-Security-Policy; its script and style come from ``/console/``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def console() -> HTMLResponse:
    html = (CONSOLE_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})
