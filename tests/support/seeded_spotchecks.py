"""A demo city seeded with its spot checks, as `make run` loads it (the shared `city` has none)."""

from __future__ import annotations

from demo import seed
from services.platform.db import Database

SEED, ENTITIES = 7, 150


async def seeded(db: Database, seed_value: int = SEED, entities: int = ENTITIES) -> seed.SeedReport:
    """seed-demo into this test's empty database."""
    report = await seed.seed_demo(db, seed=seed_value, entities=entities)
    assert report.spot_checks is not None
    return report


def token_of(report: seed.SeedReport, name: str) -> str:
    """A demo token by its name (中山区市场监督管理局, 中山区卫生健康局, ...)."""
    return next(token.token for token in report.tokens if token.name == name)
