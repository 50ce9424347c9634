"""Passwords are hashed with argon2's strong parameters wherever Jianguan runs: the test suite hashes
cheaply (JIANGUAN_TEST_PASSWORD_HASHING=1, tests/__init__.py), and production refuses to."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from services.accounts import passwords
from services.platform.settings import CHEAP_PASSWORD_HASHING, load_settings
from tests.conftest import PRODUCTION_SECRET, ROOT

# RFC 9106's second recommendation: 64 MiB, 3 passes, 4 lanes.
STRONG_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"
HASH_ONE = "from services.accounts.passwords import hash_password; print(hash_password('correct horse battery'))"


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a process of its own, as a server or command starts: without the suite's setting."""
    environment = {key: value for key, value in os.environ.items() if key != CHEAP_PASSWORD_HASHING}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=60
    )


def test_a_deployment_hashes_with_the_strong_parameters() -> None:
    for env in ({"JIANGUAN_ENV": "production", "JIANGUAN_SECRET_KEY": PRODUCTION_SECRET}, {}):
        hashed = _python(HASH_ONE, **env)
        assert hashed.returncode == 0, hashed.stderr
        assert hashed.stdout.startswith(STRONG_PREFIX), (env, hashed.stdout)
    # Asked for the suite's hashing by mistake, production says so and hashes nothing.
    refused = _python(HASH_ONE, JIANGUAN_ENV="production", **{CHEAP_PASSWORD_HASHING: "1"})
    assert refused.returncode != 0 and not refused.stdout
    assert f"{CHEAP_PASSWORD_HASHING}=1 只用于测试" in refused.stderr


def test_a_production_server_refuses_the_suites_hashing_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANGUAN_ENV", "production")
    monkeypatch.setenv("JIANGUAN_SECRET_KEY", PRODUCTION_SECRET)
    with pytest.raises(RuntimeError, match=f"{CHEAP_PASSWORD_HASHING}=1 只用于测试"):
        load_settings()
    serve = subprocess.run(
        [sys.executable, "manage.py", "serve", "--port", "1"],
        cwd=ROOT,
        env={**os.environ, CHEAP_PASSWORD_HASHING: "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert serve.returncode == 1 and "只用于测试" in serve.stderr, serve.stderr


def test_a_password_the_suite_hashed_is_still_checked_and_then_strengthened() -> None:
    """This process hashes cheaply; a deployment given such a hash checks it, and sign-in rehashes it."""
    cheap = passwords.hash_password("correct horse battery")
    assert passwords.PARAMETERS == passwords.CHEAP and not cheap.startswith(STRONG_PREFIX)
    check = (
        "from services.accounts.passwords import verify_password, needs_rehash;"
        f"print(verify_password({cheap!r}, 'correct horse battery'), verify_password({cheap!r}, 'wrong'),"
        f" needs_rehash({cheap!r}))"
    )
    checked = _python(check, JIANGUAN_ENV="production", JIANGUAN_SECRET_KEY=PRODUCTION_SECRET)
    assert checked.stdout.split() == ["True", "False", "True"], checked.stderr
