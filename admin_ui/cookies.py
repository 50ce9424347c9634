"""The admin's cookies as tight as its pages allow. starlette-admin sets its CSRF and flash
cookies for the whole site, Secure only when the request itself came over https (not behind a
TLS-terminating proxy), and SameSite=Lax. Here every cookie the admin sets is confined to
/admin, Secure in production, and Strict where nothing needs it on arrival from another site:
the CSRF token is compared only on the admin's own form posts (a page reached from a link
gets a fresh one), and a flash message only follows the admin's own redirects. The session
stays Lax so that a link into the admin from elsewhere opens signed in. The CSRF cookie stays
readable by script: starlette-admin's pages send it back in a header from JavaScript."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PATH = "/admin"
STRICT = ("starlette_admin_csrftoken=", "starlette_admin_flash=")


class AdminCookies:
    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def tightened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, self.tighten(value.decode("latin-1")).encode("latin-1") if name == b"set-cookie" else value)
                    for name, value in message.get("headers", [])
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, tightened)

    def tighten(self, cookie: str) -> str:
        name_value, *attributes = (part.strip() for part in cookie.split(";"))
        kept = [a for a in attributes if a.split("=")[0].strip().lower() not in ("path", "samesite", "secure")]
        same_site = "Strict" if name_value.startswith(STRICT) else "Lax"
        tightened = [name_value, *kept, f"Path={PATH}", f"SameSite={same_site}"]
        if self.production:
            tightened.append("Secure")
        return "; ".join(tightened)
