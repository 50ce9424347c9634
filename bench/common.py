"""What every benchmark shares: a fresh database on either engine, and where figures go."""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from services.platform import migrate
from services.platform.db import Database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# Production (which the benches serve in) refuses a key under 32 characters.
SECRET = "bench-secret-key-for-production-mode-runs"


def keep_database() -> bool:
    """JIANGUAN_BENCH_KEEP=1 keeps a bench's database afterwards (to look into it); else it goes."""
    return os.environ.get("JIANGUAN_BENCH_KEEP", "") not in ("", "0")


def postgres_server() -> str | None:
    """Benchmarks run on SQLite unless JIANGUAN_BENCH_POSTGRES_URL names a server."""
    return os.environ.get("JIANGUAN_BENCH_POSTGRES_URL") or None


async def pg_admin(server: str, statement: str) -> None:
    parsed = make_url(server)
    connection = await asyncpg.connect(
        host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database() -> AsyncIterator[tuple[str, Database]]:
    """A migrated, empty database (its URL and a Database), removed afterwards unless `keep_database()`:
    a PostgreSQL database dropped, a SQLite file's temporary folder deleted (a million entities'
    file is gigabytes)."""
    server = postgres_server()
    name = f"jianguan_bench_{uuid.uuid4().hex[:8]}"
    folder: Path | None = None
    if server:
        await pg_admin(server, f'CREATE DATABASE "{name}"')
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        folder = Path(tempfile.mkdtemp(prefix="jianguan-bench-"))
        url = f"sqlite:///{folder / 'bench.db'}"
    db = Database(url, SECRET)
    try:
        await migrate.upgrade(db)
        yield url, db
    finally:
        await db.dispose()
        if keep_database():
            print(f"kept {url}")
        elif server:
            await pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def write_result(benchmark: str, figures: dict[str, Any], name: str | None = None, engine: str | None = None) -> Path:
    """bench/results/<benchmark>_<engine>.json, or <name>.json for a benchmark of one engine
    (the engine JIANGUAN_BENCH_POSTGRES_URL chooses, unless the database measured is named)."""
    engine = engine or ("postgresql" if postgres_server() else "sqlite")
    result = {
        "benchmark": benchmark,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        **figures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name or f'{benchmark}_{engine}'}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return out
