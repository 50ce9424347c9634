"""Settings from the environment; nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from services.platform.paging import MAX_PAGE_SIZE

DEV_SECRET_KEY = "jianguan-development-key-do-not-use-in-production"
# Database connections each worker process keeps open (JIANGUAN_DB_POOL_SIZE). A request waits for a
# free one rather than opening another, so PostgreSQL starts no new backend under load. On PostgreSQL
# a worker keeps two pools of this size (the engine's, and the compiled read path's: Database.fetch_text),
# each filled only as far as concurrency needs, and one more for notice subscriptions (LISTEN). Workers ×
# (2 × pool size + 1), summed over every machine, plus the command line and PostgreSQL's reserved slots,
# must stay under its max_connections (100 by default): 2 workers × 21 = 42 on one machine. On 2 cores,
# 32 concurrent requests were served as fast with 10 as with 20 (which filled 80), 10-15 % slower with 5.
DEFAULT_DB_POOL_SIZE = 10
# Seconds one GraphQL request may run (JIANGUAN_REQUEST_TIMEOUT) before it is answered REQUEST_TIMEOUT and
# its unfinished transaction rolled back; on PostgreSQL also each statement's statement_timeout. The
# heaviest read the cost limit allows takes well under a second on 2 cores. A file upload (importRecords)
# is bounded by its size instead, and the command line by nothing.
DEFAULT_REQUEST_TIMEOUT = 30.0
# A request body larger than this is refused with HTTP 413 before it is read whole (JIANGUAN_MAX_BODY_BYTES):
# a GraphQL request, an admin form. A few kilobytes are usual; 1 MiB leaves room for long variables.
DEFAULT_MAX_BODY_BYTES = 1 << 20
# A file upload (multipart/form-data: importRecords, the admin's import pages) may be larger
# (JIANGUAN_MAX_UPLOAD_BYTES): a record import file up to its own limit (record_import.UPLOAD_MAX_BYTES,
# 200 MiB, which then words its own refusal), and the form around it.
DEFAULT_MAX_UPLOAD_BYTES = 201 << 20
# The production secret key: at least this long, and never the development one.
MIN_SECRET_KEY_CHARS = 32


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    env: str
    max_page_size: int = MAX_PAGE_SIZE
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
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    # The file of signed audit checkpoints (JIANGUAN_AUDIT_CHECKPOINTS), kept off the database's
    # machine: manage.py audit-checkpoint and run-jobs append to it, verify-audit checks against it.
    audit_checkpoints: Path | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    # Anonymous introspection and the GraphiQL page (JIANGUAN_INTROSPECTION=1, JIANGUAN_GRAPHIQL=1):
    # on in development; off in production unless asked for (integrators read schema.graphql).
    # A caller with a token may always introspect: its tools (codegen, GraphiQL's schema) need it.
    introspection: bool = True
    graphiql: bool = True

    @property
    def production(self) -> bool:
        return self.env == "production"


# The test suite's cheap password hashing (services.accounts.passwords): set by tests/conftest.py for its
# own process and every server and command it starts. Refused in production, which always hashes with
# the strong parameters.
CHEAP_PASSWORD_HASHING = "JIANGUAN_TEST_PASSWORD_HASHING"


def cheap_password_hashing() -> bool:
    """Whether this process hashes passwords with the test suite's cheap parameters; read once, when
    services.accounts.passwords is imported. Production refuses them at start."""
    cheap = _switch(CHEAP_PASSWORD_HASHING, default=False)
    if cheap and os.environ.get("JIANGUAN_ENV", "development") == "production":
        meaning = "只用于测试：生产环境（JIANGUAN_ENV=production）的密码总用强参数哈希"
        raise RuntimeError(f"{CHEAP_PASSWORD_HASHING}=1 {meaning}")
    return cheap


def load_settings() -> Settings:
    env = os.environ.get("JIANGUAN_ENV", "development")
    production = env == "production"
    cheap_password_hashing()  # a production server refuses the test suite's hashing before any worker starts
    url = os.environ.get("JIANGUAN_DATABASE_URL") or f"sqlite:///{Path.cwd() / 'jianguan.db'}"
    check = os.environ.get("JIANGUAN_CHECK_ERROR_CODES", "") == "1"
    compiled = os.environ.get("JIANGUAN_COMPILED_READS", "1") != "0"
    return Settings(
        database_url=url,
        secret_key=_secret_key(os.environ.get("JIANGUAN_SECRET_KEY", ""), production),
        env=env,
        check_error_codes=check,
        db_pool_size=_positive("JIANGUAN_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE, "每个工作进程保持的数据库连接数"),
        worker_header=os.environ.get("JIANGUAN_WORKER_HEADER", "") == "1",
        compiled_reads=compiled,
        request_timeout=_request_timeout(os.environ.get("JIANGUAN_REQUEST_TIMEOUT", "")),
        audit_checkpoints=Path(checkpoints) if (checkpoints := os.environ.get("JIANGUAN_AUDIT_CHECKPOINTS")) else None,
        max_body_bytes=_positive("JIANGUAN_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, "请求体的字节数上限"),
        max_upload_bytes=_positive("JIANGUAN_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, "上传文件请求的字节数上限"),
        introspection=_switch("JIANGUAN_INTROSPECTION", default=not production),
        graphiql=_switch("JIANGUAN_GRAPHIQL", default=not production),
    )


def _request_timeout(value: str) -> float:
    if not value.strip():
        return DEFAULT_REQUEST_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        meaning = "应为 0 到 3600 之间的秒数（每个请求最长运行时间）"
        raise RuntimeError(f"JIANGUAN_REQUEST_TIMEOUT {meaning}，而不是“{value}”")
    return seconds


def _secret_key(secret: str, production: bool) -> str:
    """Production signs sessions and chains the audit log with this key: a missing, public or
    guessable one is refused at start, before anything is signed with it."""
    if not production:
        return secret or DEV_SECRET_KEY
    if not secret:
        problem = "未设置"
    elif secret == DEV_SECRET_KEY:
        problem = "是公开的开发用密钥"
    elif len(secret) < MIN_SECRET_KEY_CHARS:
        problem = f"只有 {len(secret)} 个字符"
    else:
        return secret
    raise RuntimeError(
        f"生产环境（JIANGUAN_ENV=production）的 JIANGUAN_SECRET_KEY {problem}：请设为至少 {MIN_SECRET_KEY_CHARS}"
        ' 个字符的随机字符串（例如 python -c "import secrets; print(secrets.token_urlsafe(48))" 的输出），'
        "所有机器用同一个值，设定后不再更改"
    )


def _switch(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value not in ("0", "1"):
        raise RuntimeError(f"{name} 应为 1（开启）或 0（关闭），而不是“{value}”")
    return value == "1"


def _positive(name: str, default: int, meaning: str) -> int:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    if not value.strip().isascii() or not value.strip().isdigit() or int(value) < 1:
        raise RuntimeError(f"{name} 应为正整数（{meaning}），而不是“{value}”")
    return int(value)
