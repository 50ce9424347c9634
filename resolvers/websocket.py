"""graphql-transport-ws, authenticated when the connection opens.

The client sends its token in `connection_init`: `{"authorization": "Bearer <token>"}`.
A token in the upgrade request's Authorization header does as well (GraphQLEndpoint
checks it before the upgrade). A connection that would stay anonymous, or whose
token is refused, is closed before any operation runs, with code 4403 and
"<CODE>: <message>" as the reason.
"""

from __future__ import annotations

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from resolvers.platform.auth import INVALID_AUTHORIZATION, principal_for
from resolvers.platform.common import Refusal
from resolvers.platform.context import Context

UNAUTHENTICATED = Refusal("UNAUTHENTICATED", "需要身份认证：connection_init 须带 authorization: Bearer <令牌>")
REFUSED = 4403
_MAX_REASON_BYTES = 123  # what a websocket close frame can carry


def close_reason(refusal: Refusal) -> str:
    reason = f"{refusal.code}: {refusal.message}"
    return reason if len(reason.encode()) <= _MAX_REASON_BYTES else refusal.code


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload", {})
        # Anything else (a second init, a payload that is not an object) the protocol itself refuses.
        if isinstance(payload, dict) and not self.connection_init_received and not self.connection_timed_out:
            refusal = await self._authenticate(payload)
            if refusal is not None:
                await self.websocket.close(code=REFUSED, reason=close_reason(refusal))
                return
        await super().handle_connection_init(message)

    async def _authenticate(self, payload: dict[str, object]) -> Refusal | None:
        value = payload.get("authorization", payload.get("Authorization"))
        if value is not None:
            if not isinstance(value, str):
                return INVALID_AUTHORIZATION
            found = await principal_for(self.context.db, value)
            if isinstance(found, Refusal):
                return found
            self.context = Context(db=self.context.db, settings=self.context.settings, principal=found)
        return None if self.context.principal.is_authenticated else UNAUTHENTICATED
