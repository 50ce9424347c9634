"""The caller behind an `Authorization: Bearer <token>` value, for HTTP requests and websocket connections."""

from __future__ import annotations

from resolvers.platform.common import Refusal
from services.accounts import tokens
from services.platform.db import Database
from services.platform.principal import Principal

INVALID_AUTHORIZATION = Refusal("INVALID_AUTHORIZATION", "Authorization 头格式应为：Bearer <令牌>")
INVALID_TOKEN = Refusal("INVALID_TOKEN", "令牌无效或已被吊销")


async def principal_for(db: Database, authorization: str | None) -> Principal | Refusal:
    """Anonymous without a value; a refusal for a malformed value or an unknown or revoked token."""
    if not authorization:
        return Principal.anonymous()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return INVALID_AUTHORIZATION
    found = await tokens.authenticate_recent(db, token.strip())
    return INVALID_TOKEN if found is None else found
