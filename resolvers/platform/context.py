"""The per-request context: who is calling, the database, and the request's DataLoaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from resolvers.platform.loaders import Loaders
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings


@dataclass
class Context:
    db: Database
    settings: Settings
    principal: Principal
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.db, self.principal)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read session of its own: resolvers run concurrently, sessions may not be shared."""
        async with self.db.session(self.principal) as session:
            yield session


GqlInfo = Info[Context, Any]


def context_of(info: GqlInfo) -> Context:
    return info.context
