"""The pure parts of `make bench-peer`: wrk's script and report, CPU from /proc, the answer check,
the README table. Not part of `make test` (the harness itself is proven by running it):
`.venv/bin/pytest bench/test_peer.py`."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bench.peer_measure import (
    TICKS,
    backends,
    children_cpu_seconds,
    cpu_seconds,
    cpu_snapshot,
    cpu_used,
    ended_cpu_used,
    parse_wrk,
    process_tree,
    wrk_script,
)
from bench.peer_queries import QUERIES, AnswerMismatch, bodies, compare, differences
from bench.peer_report import END, START, MarkersMissing, replace_table, table

WRK_REPORT = """\
Running 5s test @ http://127.0.0.1:40001/graphql
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   340.12ms  210.40ms   1.42s    71.05%
    Req/Sec    94.10     20.33   140.00     68.00%
  Latency Distribution
     50%  310.55ms
     75%  450.10ms
     90%  612.00ms
     99%    1.20s
  471 requests in 5.02s, 432.12KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:     93.82
Transfer/sec:     86.08KB
graphql_errors 1
"""


def test_wrk_report_becomes_figures_in_milliseconds() -> None:
    report = parse_wrk(WRK_REPORT)
    assert report.requests == 471 and report.seconds == 5.02 and report.requests_per_second == 93.82
    assert report.latency_ms == {"p50": 310.55, "p75": 450.1, "p90": 612.0, "p99": 1200.0}
    assert report.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 3}
    assert (report.non_2xx, report.graphql_errors, report.errors) == (4, 1, 10)


def test_a_quick_clean_run_has_no_errors_and_microsecond_latencies() -> None:
    quick = WRK_REPORT.replace("310.55ms", "812.00us").replace("1.20s", "2.50ms")
    quick = "\n".join(line for line in quick.splitlines() if "errors:" not in line and "Non-2xx" not in line)
    report = parse_wrk(quick.replace("graphql_errors 1", "graphql_errors 0"))
    assert report.latency_ms["p50"] == 0.812 and report.latency_ms["p99"] == 2.5
    assert report.errors == 0


def test_a_report_without_latency_distribution_is_refused() -> None:
    without = "\n".join(line for line in WRK_REPORT.splitlines() if "%" not in line or "Req/Sec" in line)
    with pytest.raises(ValueError, match="latency distribution"):
        parse_wrk(without)


class _GraphQL(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append(("POST", body, self.headers.get("Authorization", "")))
        answer = b'{"errors": [{"message": "no"}]}' if "bad" in body else b'{"data": {}}'
        try:
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # wrk closes its connections when its time is up

    def do_GET(self) -> None:
        self.seen.append(("GET", "", ""))
        self.send_error(405)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench-peer installs it)")
def test_the_wrk_script_posts_the_bodies_in_turn_and_counts_graphql_errors(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GraphQL)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = tmp_path / "load.lua"
    sent = [json.dumps({"query": "{ good }"}), json.dumps({"query": "{ bad ]] ]=] }"})]
    script.write_text(wrk_script(sent, {"Content-Type": "application/json", "Authorization": "Bearer t"}))
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/graphql"
        command = ["wrk", "-t1", "-c2", "-d1s", "--latency", "-s", str(script), url]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert done.stderr == ""
    report = parse_wrk(done.stdout)
    methods = {method for method, _, _ in _GraphQL.seen}
    assert methods == {"POST"}, f"wrk sent {methods}"
    assert {body for _, body, _ in _GraphQL.seen} == set(sent)
    assert {auth for _, _, auth in _GraphQL.seen} == {"Bearer t"}
    bad = sum("bad" in body for _, body, _ in _GraphQL.seen)
    assert 0 < report.graphql_errors <= bad and report.non_2xx == 0


def _fake_proc(root: Path, processes: dict[int, tuple[str, int, int, int, int, int]], titles: dict[int, str]) -> Path:
    """/proc/<pid>/stat lines: (name, ppid, utime, stime, cutime, cstime) in clock ticks."""
    for pid, (name, ppid, utime, stime, cutime, cstime) in processes.items():
        (root / str(pid)).mkdir(parents=True)
        fields = ["S", ppid, 0, 0, 0, 0, 0, 0, 0, 0, 0, utime, stime, cutime, cstime, 20, 0, 1]
        (root / str(pid) / "stat").write_text(f"{pid} ({name}) " + " ".join(map(str, fields)) + "\n")
        (root / str(pid) / "cmdline").write_bytes(titles.get(pid, name).encode() + b"\0")
    (root / "self").mkdir()
    return root


def test_cpu_comes_from_utime_and_stime_of_a_process_and_its_descendants(tmp_path: Path) -> None:
    proc = _fake_proc(
        tmp_path,
        {
            10: ("python3 manage.py", 1, 3 * TICKS, 1 * TICKS, 0, 0),
            11: ("python3 (spawn) worker", 10, 50 * TICKS, 5 * TICKS, 0, 0),
            12: ("python3", 10, 40 * TICKS, 4 * TICKS, 0, 0),
            13: ("grandchild", 12, 1 * TICKS, 0, 0, 0),
            20: ("unrelated", 1, 99 * TICKS, 0, 0, 0),
        },
        {},
    )
    assert process_tree(10, proc) == [10, 11, 12, 13]
    assert cpu_seconds(11, proc) == 55.0
    assert cpu_seconds(99, proc) is None
    assert sum(cpu_snapshot(process_tree(10, proc), proc).values()) == 104.0


def test_cpu_between_snapshots_counts_new_processes_whole_and_ended_ones_through_their_parent() -> None:
    before = {1: 10.0, 2: 4.0, 3: 7.0}
    after = {1: 12.5, 2: 4.0, 4: 1.0}  # 3 ended meanwhile, 4 started
    assert cpu_used(before, after) == 3.5
    # The parent's ended-children count grew by 9: 3's whole life (7 before + 2 during).
    assert ended_cpu_used(before, after, reaped=9.0) == 2.0


def test_backends_of_one_database_are_found_by_their_titles(tmp_path: Path) -> None:
    proc = _fake_proc(
        tmp_path,
        {
            100: ("postgres", 1, 0, 0, 5 * TICKS, 2 * TICKS),
            101: ("postgres", 100, 0, 0, 0, 0),
            102: ("postgres", 100, 0, 0, 0, 0),
            103: ("postgres", 100, 0, 0, 0, 0),
            104: ("postgres", 100, 0, 0, 0, 0),
            105: ("postgres", 55, 0, 0, 0, 0),
        },
        {
            101: "postgres: 15/main: checkpointer ",
            102: "postgres: 15/main: postgres jianguan_peer 127.0.0.1(42026) idle",
            103: "postgres: 15/main: postgres jianguan_peer_other 127.0.0.1(42027) SELECT",
            104: "postgres: 15/main: postgres jianguan_peer [local] SELECT",
            105: "postgres: 15/main: postgres jianguan_peer 127.0.0.1(1) idle",  # another server's
        },
    )
    assert backends(100, "jianguan_peer", proc) == [102, 104]
    assert children_cpu_seconds(100, proc) == 7.0


def test_equal_answers_pass_and_a_difference_is_named_by_its_path() -> None:
    page = {"entities": {"edges": [{"node": {"uscc": "A", "status": "ACTIVE"}}, {"node": {"uscc": "B"}}]}}
    compare({"data": page}, {"data": json.loads(json.dumps(page))}, "page")
    other = json.loads(json.dumps(page))
    other["entities"]["edges"][0]["node"]["status"] = "REVOKED"
    other["entities"]["edges"][1]["node"]["extra"] = 1
    assert differences(page, other) == [
        "$.entities.edges[0].node.status: ours 'ACTIVE', peer 'REVOKED'",
        "$.entities.edges[1].node.extra: only in peer",
    ]
    with pytest.raises(AnswerMismatch, match=r"edges\[0\].node.status"):
        compare({"data": page}, {"data": other}, "page")
    assert differences([1, 2], [1]) == ["$: 2 items in ours, 1 in peer"]


def test_an_answer_with_errors_fails_the_check_even_when_both_fail_alike() -> None:
    failed = {"data": None, "errors": [{"message": "未登录"}]}
    with pytest.raises(AnswerMismatch, match="Jianguan answered with errors"):
        compare(failed, failed, "entity_by_uscc")


def test_the_by_uscc_query_sends_one_body_per_code_in_each_dialect() -> None:
    entity = next(query for query in QUERIES if query.by_uscc)
    ours, peer = bodies(entity, ["A1", "B2"], False), bodies(entity, ["A1", "B2"], True)
    assert [json.loads(body)["variables"] for body in ours] == [{"uscc": "A1"}, {"uscc": "B2"}]
    assert "marketEntityByUscc" in json.loads(peer[0])["query"] and "entity(uscc" in json.loads(ours[0])["query"]


def test_the_readme_table_replaces_only_what_lies_between_the_markers() -> None:
    readme = f"# Title\n\nbefore\n\n{START}\nold table\n{END}\n\nafter\n"
    updated = replace_table(readme, "| new |")
    assert updated == f"# Title\n\nbefore\n\n{START}\n| new |\n{END}\n\nafter\n"
    assert replace_table(updated, "| newer |").count(START) == 1
    with pytest.raises(MarkersMissing):
        replace_table("# no markers\n", "| new |")


def _side(rps: float, p50: float, server: float, pg: float) -> dict[str, Any]:
    return {
        "requests": int(rps * 10),
        "requests_per_second": rps,
        "latency_ms": {"p50": p50, "p75": p50, "p90": p50 * 2, "p99": p50 * 4},
        "errors": 0,
        "cpu_ms_per_request": {"server": server, "postgresql": pg, "postgresql_ended_backends": pg},
        "postgresql_connections_opened": 7,
    }


def test_the_table_gives_each_query_its_rates_ratio_latencies_and_cpu() -> None:
    result = {
        "measured_at": "2026-12-04T23:00:00+00:00",
        "ours": {"commit": "abc1234"},
        "peer": {"postgraphile": "5.1.5", "node": "v22.23.3"},
        "database": {"entities": 20000},
        "load": {"threads": 1, "connections": 32, "rounds": 2, "seconds": 5.0},
        "machine": {"cpus": 2, "load_before": [5.0, 4, 3], "load_after": [6.0, 5, 4]},
        "queries": {
            "page_of_20_with_licenses": {
                "description": "a page of 20 with licenses",
                "licenses_on_page": 10,
                "x_jianguan_path": "compiled",
                "ours": _side(150.0, 210.0, 4.25, 1.5),
                "peer": _side(1500.0, 12.5, 0.3, 0.1),
                "ratio_ours_to_peer_rps": 0.1,
            }
        },
    }
    rows = table(result).splitlines()
    assert rows[2] == (
        "| a page of 20 with licenses: 10 on the page | 150 | 1,500 | 0.100 | 210 / 420 / 840 | 12.5 / 25.0 / 50.0"
        " | 4.25 + 1.50 | 0.30 + 0.10 |"
    )
    assert "`X-Jianguan-Path`: compiled" in rows[-1] and "Jianguan 7 for 1,500 requests" in rows[-1]
