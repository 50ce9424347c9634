"""The README's table of `make bench-peer` figures, between two marker comments."""

from __future__ import annotations

from typing import Any

START = "<!-- bench-peer:start -->"
END = "<!-- bench-peer:end -->"


class MarkersMissing(ValueError):
    """The README lost the markers the table goes between."""


def _cpu(side: dict[str, Any]) -> str:
    cpu = side["cpu_ms_per_request"]
    return f"{cpu['server']:.2f} + {cpu['postgresql']:.2f}"


def table(result: dict[str, Any]) -> str:
    """The figures of peer.json as a Markdown table, with how and when they were measured."""
    load = result["load"]
    lines = [
        "| query | Jianguan req/s | PostGraphile req/s | ratio | Jianguan p50 / p90 / p99 ms"
        " | PostGraphile p50 / p90 / p99 ms | CPU ms per request, server + PostgreSQL: Jianguan | PostGraphile |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, query in result["queries"].items():
        ours, peer = query["ours"], query["peer"]
        ratio = query["ratio_ours_to_peer_rps"]
        lines.append(
            f"| {_described(query)} | {ours['requests_per_second']:,.0f} | {peer['requests_per_second']:,.0f}"
            f" | {ratio:.3f} | {_latencies(ours)} | {_latencies(peer)} | {_cpu(ours)} | {_cpu(peer)} |"
            if ratio is not None
            else f"| {name} | – | – | – | – | – | – | – |"
        )
    errors = sum(q["ours"]["errors"] + q["peer"]["errors"] for q in result["queries"].values())
    paths = sorted({q["x_jianguan_path"] for q in result["queries"].values()})
    opened = {
        side: sum(q[side].get("postgresql_connections_opened", 0) for q in result["queries"].values())
        for side in ("ours", "peer")
    }
    requests = {side: sum(q[side]["requests"] for q in result["queries"].values()) for side in ("ours", "peer")}
    lines += [
        "",
        f"Measured {result['measured_at'][:10]} ({result['ours']['commit']}):"
        f" {result['database']['entities']:,} entities,"
        f" `wrk -t{load['threads']} -c{load['connections']}`, {load['rounds']} × {load['seconds']:g} s per query and"
        f" server, alternating; PostGraphile {result['peer']['postgraphile']} on Node {result['peer']['node']}"
        f" (amber preset), Jianguan `serve --workers 2` in production mode; {errors} errors;"
        f" `X-Jianguan-Path`: {', '.join(paths)}; PostgreSQL connections opened while measuring: Jianguan"
        f" {opened['ours']:,} for {requests['ours']:,} requests, PostGraphile {opened['peer']:,} for"
        f" {requests['peer']:,}. Load average {result['machine']['load_before'][0]:.1f} before,"
        f" {result['machine']['load_after'][0]:.1f} after, on {result['machine']['cpus']} cores shared by both"
        " servers, PostgreSQL and wrk: the absolute figures are noisy, the ratios less so.",
    ]
    return "\n".join(lines)


def _described(query: dict[str, Any]) -> str:
    """The query's description, with how many licenses its page carried where it has them."""
    if "licenses_on_page" in query:
        return f"{query['description']}: {query['licenses_on_page']} on the page"
    return str(query["description"])


def _latencies(side: dict[str, Any]) -> str:
    latency = side["latency_ms"]
    return " / ".join(_ms(latency[key]) for key in ("p50", "p90", "p99"))


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def replace_table(readme: str, new_table: str) -> str:
    """The README with the text between the markers replaced by the table (markers kept)."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise MarkersMissing(f"README.md has no {START} … {END} pair for the bench-peer table")
    return readme[: start + len(START)] + "\n" + new_table + "\n" + readme[end:]
