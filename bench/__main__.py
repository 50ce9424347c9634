"""`make bench`: run every benchmark and write its figures to bench/results/*.json."""

from __future__ import annotations

import asyncio

import typer

from bench import registry_reads


def main(
    entities: int = typer.Option(20000, help="市场主体数量"),
    seconds: float = typer.Option(8.0, help="每个场景的压测秒数"),
    concurrency: int = typer.Option(16, help="并发请求数"),
    workers: int = typer.Option(1, help="uvicorn worker 数"),
) -> None:
    asyncio.run(registry_reads.run(entities=entities, seconds=seconds, concurrency=concurrency, workers=workers))


if __name__ == "__main__":
    typer.run(main)
