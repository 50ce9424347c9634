"""What `make run` does, step by step, with a real server process on a real port."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from rich.cells import cell_len

from tests.conftest import ROOT, SECRET
from tests.support.server import free_port

FIRST_QUERY = "{ entities(first: 5) { edges { node { uscc name status } } } }"


def test_migrate_seed_and_serve_answer_the_readme_query(database_url: str) -> None:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": database_url, "JIANGUAN_SECRET_KEY": SECRET}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    assert manage("migrate").returncode == 0
    seeded = manage("seed-demo", "--if-empty")
    assert seeded.returncode == 0, seeded.stderr
    assert "2000 个市场主体" in seeded.stderr
    assert "维护人员  用户名 admin" in seeded.stdout
    lines = [line.split() for line in seeded.stdout.splitlines() if "jg_" in line]
    # The token table: headings on the same stream as the rows, each column at one display column.
    table = [line for line in seeded.stdout.splitlines() if "jg_" in line or line.startswith("名称")]
    assert table[0].startswith("名称") and len(table) == 7
    assert (
        len({cell_len(line[: line.index(mark)]) for line, mark in zip(table, ["令牌"] + ["jg_"] * 6, strict=True)}) == 1
    )
    codes = ["部门代码"] + [line.split()[1] for line in table[1:]]
    assert len({cell_len(line[: line.index(code)]) for line, code in zip(table, codes, strict=True)}) == 1
    token = next(parts[-1] for parts in lines if parts[0] == "大连市市场监督管理局登记系统")
    [draw_page] = [line.split()[-1] for line in seeded.stdout.splitlines() if "/public/draws/" in line]
    assert "执法检查人员（手机端）  用户名 inspector" in seeded.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Checked while the server starts: it only reads, and each process takes a second to start.
        assert manage("seed-demo", "--if-empty").returncode == 0, "a second `make run` keeps the data"
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        graphiql = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=5)
        assert "graphiql" in graphiql.text.lower()
        answer = httpx.post(
            f"{base}/graphql", json={"query": FIRST_QUERY}, headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        nodes = [edge["node"] for edge in answer["data"]["entities"]["edges"]]
        assert len(nodes) == 5 and all(node["name"] and len(node["uscc"]) == 18 for node in nodes)
        # The summary names the done plan's public draw record, served where `make run` serves.
        path = draw_page.removeprefix("http://127.0.0.1:8000")
        assert path != draw_page and httpx.get(f"{base}{path}", timeout=5).status_code == 200
        login = httpx.get(f"{base}/admin/", timeout=5, follow_redirects=True)
        assert login.status_code == 200 and "/admin/login" in str(login.url)
    finally:
        server.terminate()
        server.wait(timeout=10)
