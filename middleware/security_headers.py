"""Security headers on every HTTP response: the API's, the admin's, the public pages', static
files and error pages alike.

The Content-Security-Policy lets scripts and styles come from this server only. starlette-admin's
templates carry inline scripts that hold per-page values (a list page's URLs, a record's key), so
an HTML page's own `<script>` and `<style>` elements get a fresh nonce here, added to each tag
as the page leaves the server. That trusts exactly the tags the templates wrote: text from the
database is escaped by Jinja (`&lt;script`), so it cannot open an element that would get one.
The two inline event handlers starlette-admin writes are allowed by their hashes, and inline
`style` attributes (which cannot run code) are allowed."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from middleware.responses import Watched, buffered

# starlette-admin's list.html and _pagination.html; a page without them loses nothing.
_HANDLERS = ("applyColumnVisibility()", "window.location = this.value")
_HASHES = " ".join(
    f"'sha256-{base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()}'" for handler in _HANDLERS
)
_OPENING_TAG = re.compile(rb"<(script|style)(?=[\s>])", re.I)
HSTS = b"max-age=31536000; includeSubDomains"


def policy(nonce: str | None) -> str:
    inline = f" 'nonce-{nonce}'" if nonce else ""
    return (
        "default-src 'self'; "
        f"script-src 'self'{inline} 'unsafe-hashes' {_HASHES}; "
        f"style-src 'self'{inline}; style-src-attr 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """HSTS only in production: a development server on plain http must stay reachable."""

    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.production = production
        # Anything but a page (JSON, a script, a file) runs no inline code: the policy without a nonce.
        self.fixed = self._headers(policy(None))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.app(scope, receive, self._denial_secured(send))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)

        def hold(start: Message) -> tuple[Message, bool]:
            # Anything but a page (JSON, a script, a file) runs no inline code: it passes with the fixed policy.
            if not _is_html(start):
                return {**start, "headers": [*start.get("headers", []), *self.fixed]}, False
            return {**start, "headers": [*start.get("headers", []), *self._headers(policy(nonce))]}, True

        def with_nonces(start: Message, page: bytes) -> tuple[Message, bytes]:
            return start, _OPENING_TAG.sub(lambda m: m.group(0) + f' nonce="{nonce}"'.encode(), page)

        secured = Watched(buffered(send, hold, with_nonces))
        try:
            await self.app(scope, receive, secured)
        except Exception:
            # The server's own 500 would leave without the headers: send it here, then let it log.
            if not secured.started:
                await secured({"type": "http.response.start", "status": 500, "headers": _TEXT})
                await secured({"type": "http.response.body", "body": b"Internal Server Error"})
            raise

    def _denial_secured(self, send: Send) -> Send:
        """A refused websocket upgrade is an HTTP response (the 401 of a bad token): it gets them too."""

        async def secured(message: Message) -> None:
            if message["type"] == "websocket.http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.fixed]}
            await send(message)

        return secured

    def _headers(self, csp: str) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
        ]
        if self.production:
            headers.append((b"strict-transport-security", HSTS))
        return headers


_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]


def _is_html(message: Message) -> bool:
    headers = dict(message.get("headers", []))
    return headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers
