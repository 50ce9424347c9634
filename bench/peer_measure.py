"""What `make bench-peer` measures with: wrk (its Lua script and its report) and the CPU time of
processes, read from /proc/<pid>/stat."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# wrk counts transport errors and non-2xx answers itself; a GraphQL error comes with 200, so the
# script counts answers whose body carries "errors" (a failed token would otherwise look fast).
_SCRIPT = """\
local bodies = {{
{bodies}
}}
local headers = {{
{headers}
}}
local turn = 0
graphql_errors = 0
local threads = {{}}

function setup(thread)
  table.insert(threads, thread)
end

function request()
  turn = turn % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[turn])
end

function response(status, _, body)
  if status == 200 and string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done()
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("graphql_errors") or 0)
  end
  io.write(string.format("graphql_errors %d\\n", total))
end
"""


def _lua_string(text: str) -> str:
    level = "="
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def wrk_script(bodies: list[str], headers: dict[str, str]) -> str:
    """A wrk Lua script that POSTs the bodies in turn with these headers and counts GraphQL errors."""
    return _SCRIPT.format(
        bodies="\n".join(f"  {_lua_string(body)}," for body in bodies),
        headers="\n".join(f"  [ {_lua_string(name)} ] = {_lua_string(value)}," for name, value in headers.items()),
    )


@dataclass(frozen=True)
class WrkReport:
    requests: int
    seconds: float
    requests_per_second: float
    latency_ms: dict[str, float]  # "p50", "p75", "p90", "p99"
    socket_errors: dict[str, int]  # connect, read, write, timeout
    non_2xx: int
    graphql_errors: int

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.non_2xx + self.graphql_errors


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_SECONDS = {"us": 0.000001, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _duration(value: str, unit: str, scale: dict[str, float]) -> float:
    return float(value) * scale[unit]


class WrkOutputError(ValueError):
    """wrk's report lacks a figure the benchmark needs (wrk failed, or its format changed)."""


def parse_wrk(output: str) -> WrkReport:
    """wrk's --latency report, as figures."""
    total = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b", output, re.M)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", output, re.M)
    if total is None or rate is None:
        raise WrkOutputError(f"wrk's report has no request count:\n{output}")
    latency = {
        f"p{int(float(percent))}": round(_duration(value, unit, _UNIT_MS), 3)
        for percent, value, unit in re.findall(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    }
    if set(latency) != {"p50", "p75", "p90", "p99"}:
        raise WrkOutputError(f"wrk's report has no latency distribution (run with --latency):\n{output}")
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    graphql = re.search(r"^graphql_errors (\d+)", output, re.M)
    return WrkReport(
        requests=int(total.group(1)),
        seconds=round(_duration(total.group(2), total.group(3), _SECONDS), 3),
        requests_per_second=float(rate.group(1)),
        latency_ms=latency,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), (int(n) for n in sockets.groups()), strict=True)
        )
        if sockets
        else {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        graphql_errors=int(graphql.group(1)) if graphql else 0,
    )


# -- CPU time from /proc -----------------------------------------------------------------------------


def _stat_fields(pid: int, proc: Path) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int, proc: Path = PROC) -> float | None:
    """User + system CPU seconds a process has used so far; None when it is gone."""
    fields = _stat_fields(pid, proc)
    if fields is None:
        return None
    # After the name: state, ppid, …; utime and stime are fields 14 and 15 of the whole line.
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu_seconds(pid: int, proc: Path = PROC) -> float | None:
    """User + system CPU seconds of a process's children that have ended (and been waited for)."""
    fields = _stat_fields(pid, proc)
    if fields is None:
        return None
    return (int(fields[13]) + int(fields[14])) / TICKS


def parent_of(pid: int, proc: Path = PROC) -> int | None:
    fields = _stat_fields(pid, proc)
    return None if fields is None else int(fields[1])


def backends(postmaster: int, database: str, proc: Path = PROC) -> list[int]:
    """PostgreSQL's backends serving one database, by their process titles
    ("postgres: 15/main: USER DATABASE HOST(PORT) STATE"): no SQL, so measuring adds no backend."""
    found = []
    for entry in proc.iterdir():
        if entry.name.isdigit() and parent_of(int(entry.name), proc) == postmaster:
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            if database in title.split()[2:]:
                found.append(int(entry.name))
    return sorted(found)


def process_tree(root: int, proc: Path = PROC) -> list[int]:
    """A process and all its descendants (uvicorn's workers, node's helpers)."""
    children: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name), proc)
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, waiting = [], [root]
    while waiting:
        pid = waiting.pop()
        tree.append(pid)
        waiting += children.get(pid, [])
    return sorted(tree)


def cpu_snapshot(pids: list[int], proc: Path = PROC) -> dict[int, float]:
    return {pid: seconds for pid in pids if (seconds := cpu_seconds(pid, proc)) is not None}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots: a process that started in between counts whole;
    one that ended in between is lost here (see ended_cpu_used)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def ended_cpu_used(before: dict[int, float], after: dict[int, float], reaped: float) -> float:
    """CPU seconds used between two snapshots by processes that ended in between, from what their
    parent's count of ended children grew by (`reaped`): their whole lives, less what they had used
    before the first snapshot."""
    return max(0.0, reaped - sum(seconds for pid, seconds in before.items() if pid not in after))
