"""双归集 batch intake: a 1,000,000-row penalty file through `manage.py import`, beside the
plainest way to put the same rows into the same table.

The file has the 双公示 Chinese headers, amounts in 万元 and one row per decision, for
entities registered beforehand (not timed). The import runs as its own process, as an
operator would run it, so its peak memory (max RSS) is its own. The baseline reads the
same file with the csv module and inserts the same rows, converted just enough to be
stored (entity looked up, 万元 to fen, dates parsed), with sqlite3 `executemany` or
PostgreSQL `COPY`: no checks, no idempotency, no audit. The ratio of the two rates is
the figure that matters.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bench.common import ROOT, SECRET, fresh_database, postgres_server, write_result
from demo import seed
from models import Department, MarketEntity
from models.enums import EntityStatus, EntityType
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEPARTMENT = "SCJG-210200"
HEADERS = [
    "行政相对人名称", "统一社会信用代码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据",
    "处罚类别", "处罚内容", "罚款金额（万元）", "处罚决定日期",
]  # fmt: skip
VIOLATIONS = [
    ("经营超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条", "警告；罚款"),
    ("未按规定公示年度报告", "《企业信息公示暂行条例》第十八条", "罚款"),
    ("发布虚假广告", "《中华人民共和国广告法》第五十五条", "罚款"),
    ("价格欺诈", "《价格违法行为行政处罚规定》第七条", "警告"),
    ("无照经营", "《无证无照经营查处办法》第十三条", "罚款；没收违法所得"),
]


async def _entities(db: Database, count: int) -> list[tuple[str, str]]:
    """`count` registered entities in 中山区 (their USCC and name), inserted in bulk."""
    session = await db.write_session(Principal.system("bench"))
    async with session:
        authority = await session.scalar(select(Department.id).where(col(Department.code) == "SCJG-210202"))
        rows = []
        for n in range(count):
            body = "".join(ALPHABET[(5_000_000 + n) // 31**k % 31] for k in range(7, -1, -1))
            rows.append(
                {
                    "uscc": uscc.compose("9", "1", "210202", body),
                    "name": f"大连导入基准{n}有限公司",
                    "entity_type": EntityType.COMPANY,
                    "legal_representative": "王五",
                    "established_on": date(2020, 1, 1),
                    "status": EntityStatus.ACTIVE,
                    "region_code": "210202",
                    "address": "辽宁省大连市中山区",
                    "industry_code": "F5211",
                    "business_scope": "日用百货销售",
                    "scope_entry_codes": [],
                    "registration_authority_id": authority,
                }
            )
        await session.execute(insert(MarketEntity), rows)
        await session.commit()
    return [(str(row["uscc"]), str(row["name"])) for row in rows]


def _write_file(path: Path, rows: int, entities: list[tuple[str, str]]) -> None:
    rng = random.Random(1)
    first_day = date.today() - timedelta(days=700)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            code, name = entities[n % len(entities)]
            violation, basis, categories = VIOLATIONS[n % len(VIOLATIONS)]
            fine = f"{rng.randint(1, 500) / 10:.1f}" if "罚款" in categories else ""
            decided = first_day + timedelta(days=n % 690)
            writer.writerow([
                name, code, f"大市监罚〔{decided.year}〕{n + 1} 号", violation,
                f"经查，当事人存在{violation}的行为。", basis, categories, f"{categories}", fine, decided.isoformat(),
            ])  # fmt: skip


def _run_import(url: str, path: Path) -> dict[str, Any]:
    env = {**os.environ, "JIANGUAN_DATABASE_URL": url, "JIANGUAN_SECRET_KEY": SECRET}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "import", "penalty", str(path), "--department", DEPARTMENT],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise RuntimeError(f"import exited {done.returncode}: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return {
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_rss_measured": peak_kb > before,  # max RSS of all children so far: the largest is this one
        "summary": done.stdout.strip().splitlines()[:3],
    }


def _baseline_rows(path: Path, ids: dict[str, int], department_id: int) -> Iterator[tuple[Any, ...]]:
    """The same rows, converted just enough to be stored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for name, code, number, violation, facts, basis, categories, content, fine, decided in reader:
            day = date.fromisoformat(decided)
            fen = int(Decimal(fine) * 1_000_000) if fine else None  # 万元 → yuan → fen
            yield (
                ids[code], department_id, name, None, number, violation, facts, basis,
                json.dumps(categories.split("；"), ensure_ascii=False), content, fen, None, None, day,
                "大连市市场监督管理局", day + timedelta(days=1095), "EFFECTIVE", None, now, now,
            )  # fmt: skip


COLUMNS = (
    "entity_id", "source_department_id", "party_name", "legal_representative", "document_number",
    "violation_type", "facts", "basis", "categories", "content", "fine_amount", "confiscated_amount",
    "revoked_license_number", "decision_date", "authority_name", "public_until", "status", "status_reason",
    "created_at", "updated_at",
)  # fmt: skip


async def _baseline(url: str, db: Database, path: Path) -> dict[str, Any]:
    async with db.engine.connect() as connection:
        await connection.execute(text("DELETE FROM penalty"))
        await connection.commit()
        ids = {row[0]: row[1] for row in (await connection.execute(text("SELECT uscc, id FROM market_entity")))}
        department_id = (
            await connection.execute(text("SELECT id FROM department WHERE code = :c"), {"c": DEPARTMENT})
        ).scalar_one()
    rows = _baseline_rows(path, ids, department_id)
    started = time.perf_counter()
    if postgres_server():
        parsed = make_url(url)
        connection = await asyncpg.connect(
            host=parsed.host, port=parsed.port or 5432, user=parsed.username, database=parsed.database
        )
        try:
            await connection.copy_records_to_table("penalty", records=rows, columns=list(COLUMNS))
        finally:
            await connection.close()
        method = "COPY (asyncpg copy_records_to_table)"
    else:
        plain = sqlite3.connect(make_url(url).database or "")
        try:
            placeholders = ", ".join("?" for _ in COLUMNS)
            plain.executemany(f"INSERT INTO penalty ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)
            plain.commit()
        finally:
            plain.close()
        method = "sqlite3 executemany"
    return {"method": method, "seconds": round(time.perf_counter() - started, 1)}


async def run(rows: int, entities: int) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="jianguan-import-"))
    path = workdir / "penalties.csv"
    async with fresh_database() as (url, db):
        await seed.seed_demo(db, seed=1, entities=0)
        registered = await _entities(db, entities)
        _write_file(path, rows, registered)
        engine = await asyncio.to_thread(_run_import, url, path)
        async with db.engine.connect() as connection:
            stored = (await connection.execute(text("SELECT count(*) FROM penalty"))).scalar_one()
        assert stored == rows, f"the import stored {stored} of {rows} rows"
        engine["rows_per_second"] = round(rows / engine["seconds"], 1)
        print(f"manage.py import  {engine}")
        baseline = await _baseline(url, db, path)
        baseline["rows_per_second"] = round(rows / baseline["seconds"], 1)
        print(f"baseline          {baseline}")
        figures = {
            "rows": rows,
            "entities": entities,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "import": engine,
            "baseline": baseline,
            "ratio_baseline_to_import": round(engine["seconds"] / baseline["seconds"], 2),
        }
        write_result("record_import", figures)
        path.unlink()
        return figures
