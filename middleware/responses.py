"""Two ways of standing between an ASGI app and its server's `send`, written once.

`Watched` remembers whether the response has started: until then an error may still become a
clear answer; after it, only the log may hear of it. `buffered` holds a response whose start
asks for it until its body is whole, so that the body can be rewritten and its length told."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import Message, Send

# The start of a response: the start to use, and whether to hold it until the body is whole.
Hold = Callable[[Message], tuple[Message, bool]]
# The held start and the whole body: the start and body to send instead (content-length is set here).
Rewrite = Callable[[Message, bytes], tuple[Message, bytes]]


class Watched:
    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


def buffered(send: Send, hold: Hold, rewrite: Rewrite) -> Callable[[Message], Awaitable[None]]:
    start: Message | None = None
    parts: list[bytes] = []

    async def holding(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            message, held = hold(message)
            if held:
                start = message
            else:
                await send(message)
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        parts.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        final, body = rewrite(start, b"".join(parts))
        headers = [(name, value) for name, value in final.get("headers", []) if name != b"content-length"]
        await send({**final, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return holding
