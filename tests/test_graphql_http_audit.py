"""GraphQL over HTTP conformance, checked from outside: graphql-http's server audits (the npm
package, pinned in tests/graphql_http/package-lock.json) against the app served by uvicorn."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.server import serve

AUDIT = Path(__file__).parent / "graphql_http"
AUDITS = 61  # every audit graphql-http 1.23.1 has for a server


def _node_or_skip() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run graphql-http's audits (tests/graphql_http)")
    return node, npm


async def _run(*command: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command, cwd=AUDIT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.fixture
async def audit_tool() -> str:
    """node, with graphql-http installed from the lock file (npm ci) on a clean clone."""
    node, npm = _node_or_skip()
    if not (AUDIT / "node_modules" / "graphql-http" / "package.json").exists():
        status, out, err = await _run(npm, "ci", "--no-audit", "--no-fund")
        assert status == 0, f"npm ci failed:\n{out}\n{err}"
    return node


@pytest.fixture
async def served(database_url: str) -> AsyncIterator[str]:
    async for base in serve(database_url):
        yield base


async def test_graphql_http_server_audits_all_pass(audit_tool: str, served: str) -> None:
    status, out, err = await _run(audit_tool, "audit.mjs", f"{served}/graphql")
    assert status == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["problems"] == [], json.dumps(report["problems"], ensure_ascii=False, indent=1)
    assert (report["ok"], report["warn"], report["error"]) == (AUDITS, 0, 0)
