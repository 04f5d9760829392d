"""What every request to the review page passes before the app sees it (ASGI middleware).

- **Host allow-list**: only requests naming an allowed host (127.0.0.1, localhost, ::1 and
  the address the page is bound to) are served, so a DNS-rebinding page on another name
  never gets a page (and its CSRF token) from this server.
- **Origin on every change**: a request other than GET/HEAD must carry an ``Origin`` (or
  failing that a ``Referer``) of this very host and port.
- **Body limit while reading**: a ``Content-Length`` over the limit is refused at once,
  and a body sent without one is counted as it arrives and refused when it passes the
  limit; nothing over the limit is held in memory.
- **Headers on every answer**: a Content-Security-Policy with ``frame-ancestors 'none'``
  (and ``X-Frame-Options: DENY`` for older browsers), no inline scripts, nosniff.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import escape
from starlette.datastructures import Headers

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     b"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # not no-referrer: under it a browser sends "Origin: null" with a form's POST
    (b"referrer-policy", b"same-origin"),
]
SAFE_METHODS = ("GET", "HEAD")


def host_name(host: str) -> str:
    """The name in a Host header or an origin's netloc: "[::1]:8765" -> "::1"."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Guard:
    def __init__(self, app, hosts: tuple[str, ...], max_body: int):
        self.app = app
        self.hosts = {name.lower() for name in hosts}
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_guarded(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  *SECURITY_HEADERS]}
            await send(message)

        headers = Headers(scope=scope)
        try:
            self.check_host(headers)
            if scope["method"] not in SAFE_METHODS:
                self.check_origin(headers)
                body = await self.read_body(headers, receive)
                receive = replay(body)
        except Refused as refused:
            await refuse(send_guarded, refused)
            return
        await self.app(scope, receive, send_guarded)

    def check_host(self, headers: Headers) -> None:
        name = host_name(headers.get("host", "")).lower()
        if name not in self.hosts:
            raise Refused(421, f"this page is not served under the name {name!r}; "
                               f"open it as {' or '.join(sorted(self.hosts))}")

    def check_origin(self, headers: Headers) -> None:
        origin = headers.get("origin") or headers.get("referer")
        if not origin or origin == "null":
            raise Refused(403, "a change needs the Origin header a browser sends")
        if urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
            raise Refused(403, f"a change from another site ({origin}) is refused")

    async def read_body(self, headers: Headers, receive) -> bytes:
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            raise Refused(413, f"a request body is at most {self.max_body:,} bytes "
                               f"(Content-Length {declared})")
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refused(400, "the client left before sending its request")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise Refused(413, f"a request body is at most {self.max_body:,} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def refuse(send, refused: Refused) -> None:
    page = (f"<!doctype html><title>{refused.status}</title><h1>{refused.status}</h1>"
            f"<p>{escape(refused.reason)}</p>").encode()
    await send({"type": "http.response.start", "status": refused.status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(page)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": page})
