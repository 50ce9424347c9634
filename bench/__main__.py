"""`make bench`: run every benchmark and write its figures to bench/results/*.json."""

from __future__ import annotations

import asyncio

import typer

from bench import (
    analysis,
    draws,
    entity_graph,
    geography,
    mixed,
    performance,
    record_import,
    registry_reads,
    risk_colours,
    routing,
    search,
)
from bench import workers as worker_balance

BENCHMARKS = (
    "registry_reads",
    "routing",
    "record_import",
    "risk_colours",
    "draws",
    "workers",
    "mixed",
    "search",
    "analysis",
    "performance",
    "entity_graph",
    "geography",
)


def main(
    only: list[str] = typer.Option(
        list(BENCHMARKS),
        help=(
            "只运行这些基准（registry_reads、routing、record_import、risk_colours、draws、workers、mixed、search、"
            "analysis、performance、entity_graph、geography）"
        ),
    ),
    entities: int = typer.Option(20000, help="registry_reads：市场主体数量"),
    seconds: float = typer.Option(8.0, help="registry_reads：每个场景的压测秒数"),
    concurrency: int = typer.Option(16, help="registry_reads：并发请求数"),
    workers: int = typer.Option(1, help="registry_reads：uvicorn worker 数"),
    registrations: int = typer.Option(100_000, help="routing：批量推送的登记数"),
    matters: int = typer.Option(500, help="routing：职责目录的事项数"),
    one_at_a_time: int = typer.Option(2000, help="routing：逐笔登记（每笔一个事务）的数量"),
    rows: int = typer.Option(1_000_000, help="record_import：处罚文件的行数"),
    record_entities: int = typer.Option(20_000, help="record_import：文件涉及的市场主体数"),
    rated_entities: int = typer.Option(1_000_000, help="risk_colours：评定的市场主体数"),
    drawn_entities: int = typer.Option(1_000_000, help="draws：检查对象名录中的市场主体数（按 1% 抽取）"),
    balance_runs: int = typer.Option(6, help="workers：每种服务器的轮数（每轮新开 32 个长连接）"),
    balance_seconds: float = typer.Option(3.0, help="workers：每轮的压测秒数"),
    mixed_entities: int = typer.Option(5000, help="mixed：演示城市的市场主体数"),
    mixed_seconds: float = typer.Option(20.0, help="mixed：混合负载的压测秒数"),
    mixed_reads: int = typer.Option(8, help="mixed：读取的并发客户端数"),
    mixed_records: int = typer.Option(4, help="mixed：逐笔报送许可、处罚的并发客户端数"),
    mixed_claims: int = typer.Option(4, help="mixed：认领告知的并发客户端数"),
    searched_entities: int = typer.Option(1_000_000, help="search：检索的市场主体数"),
    analysed_entities: int = typer.Option(1_000_000, help="analysis：城市的市场主体数"),
    performance_entities: int = typer.Option(1_000_000, help="performance：市场主体数量（绩效考核）"),
    graph_entities: int = typer.Option(100_000, help="entity_graph：市场主体数量（网图）"),
    graph_calls: int = typer.Option(200, help="entity_graph：每种深度的调用次数"),
    box_entities: int = typer.Option(1_000_000, help="geography：带坐标的市场主体数"),
    box_runs: int = typer.Option(30, help="geography：每个范围读一页的次数"),
) -> None:
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        raise typer.BadParameter(f"没有这些基准：{'、'.join(unknown)}", param_hint="--only")
    if "registry_reads" in only:
        asyncio.run(registry_reads.run(entities=entities, seconds=seconds, concurrency=concurrency, workers=workers))
    if "routing" in only:
        asyncio.run(routing.run(registrations=registrations, matters=matters, one_at_a_time=one_at_a_time))
    if "record_import" in only:
        asyncio.run(record_import.run(rows=rows, entities=record_entities))
    if "risk_colours" in only:
        asyncio.run(risk_colours.run(entities=rated_entities))
    if "draws" in only:
        asyncio.run(draws.run(entities=drawn_entities))
    if "workers" in only:
        asyncio.run(worker_balance.run(runs=balance_runs, seconds=balance_seconds))
    if "mixed" in only:
        clients = {"reads": mixed_reads, "records": mixed_records, "claims": mixed_claims}
        asyncio.run(mixed.run(entities=mixed_entities, seconds=mixed_seconds, workers=2, clients=clients))
    if "search" in only:
        asyncio.run(search.run(entities=searched_entities))
    if "analysis" in only:
        asyncio.run(analysis.run(entities=analysed_entities))
    if "performance" in only:
        asyncio.run(performance.run(entities=performance_entities))
    if "entity_graph" in only:
        asyncio.run(entity_graph.run(entities=graph_entities, calls=graph_calls))
    if "geography" in only:
        asyncio.run(geography.run(entities=box_entities, runs=box_runs))


if __name__ == "__main__":
    typer.run(main)
