"""Settings from the environment; nothing else reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET_KEY = "jianguan-development-key-do-not-use-in-production"


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
    return Settings(database_url=url, secret_key=secret, env=env, check_error_codes=check, compiled_reads=compiled)
