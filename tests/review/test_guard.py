"""What every request passes first: the Host allow-list, the Origin of a change, the body
limit while reading, and headers that keep the page out of other sites' frames."""

import asyncio

import pytest

from pipeline.review.guard import Guard
from tests.review.conftest import ORIGIN, csrf


def test_a_foreign_host_name_gets_no_page_and_no_token(client):
    for path in ("/", "/doc/scripted", "/login"):
        answer = client.get(path, headers={"Host": "evil.example"})
        assert answer.status_code == 421 and "evil.example" in answer.text
        assert 'name="csrf"' not in answer.text
    assert client.get("/doc/scripted", headers={"Host": "localhost:8765"}).status_code == 200


def test_a_cross_origin_post_is_refused_and_changes_nothing(client):
    token = csrf(client, "scripted")
    form = {"key": "drugs=crizotinib", "action": "accept", "token": token}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {},
                    {"Origin": "http://127.0.0.1:9999"}, {"Referer": "http://evil.example/x"}):
        assert client.post("/doc/scripted/decide", data=form, headers=headers).status_code == 403
    assert client.app.state.review.store.history("scripted") == []
    assert client.post("/doc/scripted/decide", data=form, headers=ORIGIN).status_code == 200


def test_every_answer_forbids_framing(client):
    for answer in (client.get("/doc/scripted"), client.get("/nothing"),
                   client.get("/", headers={"Host": "evil.example"}),
                   client.get("/static/review.js")):
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert answer.headers["x-frame-options"] == "DENY"


def test_a_declared_body_over_the_limit_is_refused_before_reading(client):
    answer = client.post("/doc/scripted/add", content=b"x" * 70_000,
                         headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413


def test_a_body_without_a_length_is_refused_as_soon_as_it_passes_the_limit():
    """300 MB offered in 1 MB chunks with no Content-Length: read up to the limit only."""
    reached, sent = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def receive():
        sent.append(1)
        return {"type": "http.request", "body": b"x" * 2**20, "more_body": len(sent) < 300}

    async def send(message):
        sent_messages.append(message)

    sent_messages = []
    scope = {"type": "http", "method": "POST", "path": "/doc/a/add", "headers": [
        (b"host", b"127.0.0.1:8765"), (b"origin", b"http://127.0.0.1:8765")]}
    asyncio.run(Guard(app, ("127.0.0.1",), max_body=64 * 1024)(scope, receive, send))
    assert sent_messages[0]["status"] == 413 and len(sent) == 1 and reached == []


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "[::1]:8765", "review.lab:80"])
def test_the_allow_list_holds_loopback_and_the_named_hosts(host):
    statuses = []

    async def app(scope, receive, send):
        statuses.append("served")

    async def send(message):
        statuses.append(message.get("status"))

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", host.encode())]}
    guard = Guard(app, ("127.0.0.1", "localhost", "::1", "review.lab"), max_body=10)
    asyncio.run(guard(scope, None, send))
    assert statuses == ["served"]
