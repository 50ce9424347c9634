"""The command line as a maintainer runs it: manage.py in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from tests.conftest import ROOT, SECRET


def manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def manage_together(url: str, *commands: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
    """Run independent manage.py commands as processes at the same time; their results in order.
    Each process spends most of a second importing, so commands that need not wait for each
    other should not."""
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    running = [
        subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    try:
        done = []
        for process in running:
            stdout, stderr = process.communicate(timeout=120)
            done.append(subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr))
        return done
    finally:
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
