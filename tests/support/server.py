"""`manage.py serve` in its own process, as an operator starts it: one home for every test that
needs a real server (browser tests, outside checks, faults, serving and health under load)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from services.platform.settings import CHEAP_PASSWORD_HASHING
from tests.conftest import PRODUCTION_SECRET, ROOT, SECRET

# What a production deployment sets: checked secrets, no GraphiQL, no anonymous introspection, and
# passwords hashed with the strong parameters (the suite's cheap ones are refused in production).
PRODUCTION = {"JIANGUAN_ENV": "production", "JIANGUAN_SECRET_KEY": PRODUCTION_SECRET, CHEAP_PASSWORD_HASHING: "0"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(database_url: str, env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "JIANGUAN_DATABASE_URL": database_url, "JIANGUAN_SECRET_KEY": SECRET, **(env or {})}


# How long a server may take to answer /healthz: on a loaded two-core machine (the other test
# worker running Chromium, say) a start that takes a second alone took over 30.
STARTUP_SECONDS = 120.0


async def serve(
    database_url: str, *args: str, env: dict[str, str] | None = None, log: Path | None = None
) -> AsyncIterator[str]:
    """Yields the base URL once /healthz answers; the server's output goes to `log`, or to a
    temporary file whose end a failure to start shows."""
    port = free_port()
    output = log or Path(tempfile.mkstemp(prefix="jianguan-serve-", suffix=".log")[1])
    with output.open("w") as out:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "manage.py", "serve", "--port", str(port), *args,
            cwd=ROOT, env=_environment(database_url, env), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await _answering(server, base, output)
        yield base
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()
        if log is None:
            output.unlink(missing_ok=True)


async def _answering(server: asyncio.subprocess.Process, base: str, output: Path) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=base, timeout=1) as probe:
        while loop.time() < deadline:
            try:
                if (await probe.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if server.returncode is not None:  # it died: say so now rather than wait
                raise AssertionError(f"the server exited with status {server.returncode}:\n{_tail(output)}")
            await asyncio.sleep(0.2)
    raise AssertionError(f"the server did not answer /healthz in {STARTUP_SECONDS:.0f} s:\n{_tail(output)}")


def _tail(output: Path, lines: int = 30) -> str:
    return "\n".join(output.read_text(errors="replace").splitlines()[-lines:])


# The same, as `async with running(url) as base:`.
running = asynccontextmanager(serve)


def launched(database_url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The server with its output readable line by line (`started` waits on it): for tests of the
    serving itself (workers, signals, logs)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(free_port()), *args],
        cwd=ROOT,
        env=_environment(database_url, env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # uvicorn logs requests to stdout, the rest to stderr
        text=True,
    )


async def started(process: subprocess.Popen[str], lines: list[str]) -> int:
    """The port from the startup line, once every worker says it is ready; `lines` keeps what it read."""
    assert process.stdout is not None
    port, ready, workers = 0, 0, 1
    while ready < workers:
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)
        assert line, "".join(lines)
        lines.append(line)
        if found := re.search(r"http://127\.0\.0\.1:(\d+) 提供服务：(\d+) 个工作进程", line):
            port, workers = int(found[1]), int(found[2])
        elif found := re.search(r"http://127\.0\.0\.1:(\d+)", line):
            port = int(found[1])
        ready += "Application startup complete" in line
    return port
