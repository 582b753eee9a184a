"""The optional OpenAI-compatible generator, against a stand-in server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tickets.retrieval.answer import AnswerLine
from tickets.retrieval.generator import GeneratorError, generate_answer
from tickets.retrieval.settings import GeneratorSettings

LINES = [AnswerLine("Set the MTU to 1492.", ["[KB-0001]"]), AnswerLine("Reboot.", ["[TCK-1]"])]


@pytest.fixture
def stand_in():
    """An HTTP server answering /v1/chat/completions with whatever the test sets."""
    state = {"reply": "", "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["requests"].append((self.path, self.headers.get("Authorization"), body))
            payload = {"choices": [{"message": {"role": "assistant", "content": state["reply"]}}]}
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}/v1"
    yield state
    server.shutdown()
    server.server_close()


def _settings(url: str) -> GeneratorSettings:
    return GeneratorSettings(enabled=True, base_url=url, model="stand-in", timeout_s=5)


def test_a_cited_reply_is_accepted_and_the_request_is_openai_shaped(stand_in, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    stand_in["reply"] = "1. Set the MTU to 1492 [KB-0001]\n2. Then reboot the router [TCK-1]"
    text = generate_answer(_settings(stand_in["url"]), "WAN drops", LINES)
    assert text.splitlines()[0] == "1. Set the MTU to 1492 [KB-0001]"
    path, auth, body = stand_in["requests"][0]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-test"
    assert body["model"] == "stand-in" and body["messages"][0]["role"] == "system"
    assert "[KB-0001]" in body["messages"][1]["content"]


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("Set the MTU to 1492.", "no citation"),
        ("Set the MTU [KB-9999]", "unknown sources"),
        ("", "empty"),
    ],
)
def test_replies_without_valid_citations_are_refused(stand_in, reply, problem):
    stand_in["reply"] = reply
    with pytest.raises(GeneratorError, match=problem):
        generate_answer(_settings(stand_in["url"]), "WAN drops", LINES)


def test_an_unreachable_endpoint_is_a_clear_error():
    settings = _settings("http://127.0.0.1:9/v1")
    with pytest.raises(GeneratorError, match="unreachable"):
        generate_answer(settings, "WAN drops", LINES)


def test_enabled_without_an_endpoint_says_which_keys_to_set():
    with pytest.raises(GeneratorError, match=r"retrieval\.generator\.base_url"):
        generate_answer(GeneratorSettings(enabled=True), "WAN drops", LINES)
