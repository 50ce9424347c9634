"""Settings from the environment; nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET_KEY = "jianguan-development-key-do-not-use-in-production"
# Database connections each worker process keeps open (JIANGUAN_DB_POOL_SIZE). A request waits for a
# free one rather than opening another, so PostgreSQL starts no new backend under load. On PostgreSQL
# a worker keeps two pools of this size (the engine's, and the compiled read path's: Database.fetch_text),
# each filled only as far as concurrency needs, and one more for notice subscriptions (LISTEN). Workers ×
# (2 × pool size + 1), summed over every machine, plus the command line and PostgreSQL's reserved slots,
# must stay under its max_connections (100 by default): 2 workers × 21 = 42 on one machine. On 2 cores,
# 32 concurrent requests were served as fast with 10 as with 20 (which filled 80), 10-15 % slower with 5.
DEFAULT_DB_POOL_SIZE = 10


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str
    max_page_size: int = 100
    # A mutation returning an error code its declaration does not list fails loudly (schema.mutation).
    check_error_codes: bool = False
    # Read operations the compiled path covers are answered by one SQL statement (resolvers.compiled).
    compiled_reads: bool = True
    # Every compiled answer is checked against the ordinary path's, and a difference is a 500
    # (the test suite turns it on: each of its reads is a differential test of the two paths).
    check_compiled_reads: bool = False
    db_pool_size: int = DEFAULT_DB_POOL_SIZE
    # Each response names the worker process that served it (X-Jianguan-Worker): for bench/workers.py
    # (JIANGUAN_WORKER_HEADER=1), off otherwise.
    worker_header: bool = False
    # The file of signed audit checkpoints (JIANGUAN_AUDIT_CHECKPOINTS), kept off the database's
    # machine: manage.py audit-checkpoint and run-jobs append to it, verify-audit checks against it.
    audit_checkpoints: Path | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"


def load_settings() -> Settings:
    env = os.environ.get("JIANGUAN_ENV", "development")
    secret = os.environ.get("JIANGUAN_SECRET_KEY", "")
    if not secret:
        if env == "production":
            raise RuntimeError("JIANGUAN_SECRET_KEY must be set when JIANGUAN_ENV=production")
        secret = DEV_SECRET_KEY
    url = os.environ.get("JIANGUAN_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'jianguan.db'}"
    check = os.environ.get("JIANGUAN_CHECK_ERROR_CODES", "") == "1"
    compiled = os.environ.get("JIANGUAN_COMPILED_READS", "1") != "0"
    return Settings(
        database_url=url,
        secret_key=secret,
        env=env,
        check_error_codes=check,
        db_pool_size=_pool_size(os.environ.get("JIANGUAN_DB_POOL_SIZE", "")),
        worker_header=os.environ.get("JIANGUAN_WORKER_HEADER", "") == "1",
        compiled_reads=compiled,
        audit_checkpoints=Path(checkpoints) if (checkpoints := os.environ.get("JIANGUAN_AUDIT_CHECKPOINTS")) else None,
    )


def _pool_size(value: str) -> int:
    if not value.strip():
        return DEFAULT_DB_POOL_SIZE
    if not value.strip().isdigit() or int(value) < 1:
        raise RuntimeError(f"JIANGUAN_DB_POOL_SIZE 应为正整数（每个工作进程保持的数据库连接数），而不是“{value}”")
    return int(value)
