"""双告知 routing: 100,000 registrations against a catalog of 500 matters.

Two figures, on a fresh database (SQLite by default, PostgreSQL when
JIANGUAN_BENCH_POSTGRES_URL names a server):
- batch: `services.catalog.routing.route_batch` over every registration at once (the
  router built once, notices inserted in bulk), as seed-demo and a bulk intake do;
- one at a time: `register_entity` through `run_change`, each registration its own
  audited transaction that routes it, as `registerEntity` does (without HTTP).
The entities are inserted beforehand and not timed; the catalog's 500 matters are
the demo city's plus generated ones whose keywords the generated scopes use.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from rich.progress import Progress
from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from bench.common import fresh_database, write_result
from demo import seed
from demo.catalog import MATTERS
from models import Department, MarketEntity, Notice
from models.enums import ApprovalLevel, DepartmentLevel, EntityStatus, EntityType, MatterMode
from services.catalog import catalog_versions
from services.catalog.catalog import MatterInput, upsert_supervision_matter
from services.catalog.routing import route_batch
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change
from services.registry import uscc
from services.registry.registry import RegistrationInput, register_entity

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

GOODS = (
    "水产品",
    "粮食",
    "木材",
    "化工产品",
    "纺织品",
    "五金产品",
    "汽车零部件",
    "船舶配件",
    "中药材",
    "电子元器件",
    "家具",
    "塑料制品",
    "建筑材料",
    "茶叶",
    "酒类",
    "烟花爆竹",
    "农作物种子",
    "饲料",
    "农药",
    "化肥",
    "成品油",
    "燃气",
    "煤炭",
    "钢材",
    "有色金属",
    "再生资源",
    "废旧电池",
    "冷链食品",
    "乳制品",
    "肉制品",
)
ACTIVITIES = ["批发", "零售", "加工", "仓储", "回收", "进出口", "检测", "租赁", "维修", "生产"]
LINES = ("SCJG", "WJ", "JT", "STHJ", "YJ", "ZJ", "WL", "JY", "GA")
# Phrases no matter names: they land in the catalog gaps.
UNMATCHED = (
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "企业管理咨询",
    "信息咨询服务（不含许可类信息咨询服务）",
    "市场营销策划",
    "会议及展览服务",
    "办公用品销售",
    "计算机软硬件及辅助设备零售",
    "日用百货销售",
    "工艺美术品及收藏品零售",
)


def _generated_matters(count: int) -> list[MatterInput]:
    rng = random.Random(500)
    keywords = [f"{goods}{activity}" for goods in GOODS for activity in ACTIVITIES]
    rng.shuffle(keywords)
    matters = []
    for index, keyword in enumerate(keywords[:count]):
        level = ApprovalLevel.CITY if index % 7 == 0 else ApprovalLevel.DISTRICT
        matters.append(
            MatterInput(
                code=f"BM-{index:04d}",
                name=f"{keyword}监管",
                mode=MatterMode.COMPETENT if index % 3 else MatterMode.APPROVAL,
                legal_basis="基准测试生成的事项",
                line=LINES[index % len(LINES)],
                approval_level=level,
                effective_from=date(2026, 1, 1),
                keywords=[keyword],
                claim_deadline_days=5 + index % 6,
            )
        )
    return matters


def _scope(rng: random.Random, keywords: list[str]) -> str:
    matched = rng.sample(keywords, rng.randint(0, 3))
    general = rng.sample(UNMATCHED, rng.randint(1, 3))
    return (
        "许可项目：" + "；".join(matched) + "。一般项目：" + "；".join(general) + "。"
        if matched
        else "；".join(general)
    )


async def _catalog(db: Database, matters: int) -> tuple[str, list[str]]:
    generated = _generated_matters(matters - len(MATTERS))
    session = await db.write_session(Principal.system("bench"))
    async with session:
        for data in generated:
            await upsert_supervision_matter(session, data)
        version = await catalog_versions.publish(session, "基准版", f"{matters} 个监管事项")
        await session.commit()
    demo_keywords = [keyword for *_, keywords, _ in MATTERS for keyword in keywords]
    return version.name, demo_keywords + [k for m in generated for k in m.keywords]


async def _entities(db: Database, count: int, keywords: list[str], offset: int) -> list[int]:
    """Registered entities as bulk rows: what is timed is routing them, not inserting them."""
    rng = random.Random(offset)
    session = await db.write_session(Principal.system("bench"))
    async with session:
        authorities = {
            d.region_code: d.id
            for d in (await session.scalars(select(Department).where(col(Department.code).startswith("SCJG-")))).all()
            if d.level is DepartmentLevel.DISTRICT
        }
        regions = sorted(authorities)
        ids: list[int] = []
        for start in range(0, count, 5000):
            rows = []
            for n in range(start, min(count, start + 5000)):
                region = rng.choice(regions)
                body = "".join(ALPHABET[(offset + n) // 31**k % 31] for k in range(7, -1, -1))
                rows.append(
                    {
                        "uscc": uscc.compose("9", "1", region, body),
                        "name": f"大连基准测试{offset + n}有限公司",
                        "entity_type": EntityType.COMPANY,
                        "legal_representative": "张三",
                        "established_on": date(2026, 11, 1),
                        "status": EntityStatus.ACTIVE,
                        "region_code": region,
                        "address": "辽宁省大连市",
                        "industry_code": "F5211",
                        "business_scope": _scope(rng, keywords),
                        "scope_entry_codes": [],
                        "registration_authority_id": authorities[region],
                    }
                )
            inserted = await session.scalars(
                insert(MarketEntity).returning(col(MarketEntity.id), sort_by_parameter_order=True), rows
            )
            ids.extend(i for i in inserted.all() if i is not None)
        await session.commit()
    return ids


async def _batch(db: Database, ids: list[int]) -> dict[str, Any]:
    session = await db.write_session(Principal.system("bench"))
    async with session:
        started = time.perf_counter()
        report = await route_batch(session, ids)
        await session.commit()
        elapsed = time.perf_counter() - started
    return {
        "registrations": report.entities,
        "routed": report.routed,
        "notices": report.notices,
        "seconds": round(elapsed, 2),
        "registrations_per_second": round(report.entities / elapsed, 1),
    }


def _registering(data: RegistrationInput) -> Callable[[AsyncSession], Awaitable[object]]:
    async def work(session: AsyncSession) -> object:
        return await register_entity(session, data)

    return work


async def _one_at_a_time(db: Database, count: int, keywords: list[str]) -> dict[str, Any]:
    rng = random.Random(7)
    async with db.session(Principal.system()) as session:
        before = int(await session.scalar(select(func.count(col(Notice.id)))) or 0)
    principal = Principal.system("bench")
    inputs = []
    for n in range(count):
        region = rng.choice(["210202", "210203", "210204", "210211"])
        body = "".join(ALPHABET[(9_000_000 + n) // 31**k % 31] for k in range(7, -1, -1))
        inputs.append(
            RegistrationInput(
                uscc=uscc.compose("9", "1", region, body),
                name=f"大连逐笔登记{n}有限公司",
                entity_type=EntityType.COMPANY,
                legal_representative="李四",
                established_on=date(2026, 11, 1),
                region_code=region,
                address="辽宁省大连市",
                industry_code="F5211",
                business_scope=_scope(rng, keywords),
                department_code=f"SCJG-{region}",
            )
        )
    started = time.perf_counter()
    for data in inputs:
        _, problems = await run_change(db, principal, _registering(data))
        assert not problems, problems
    elapsed = time.perf_counter() - started
    async with db.session(Principal.system()) as session:
        after = int(await session.scalar(select(func.count(col(Notice.id)))) or 0)
    return {
        "registrations": count,
        "notices": after - before,
        "seconds": round(elapsed, 2),
        "registrations_per_second": round(count / elapsed, 1),
    }


async def run(registrations: int, matters: int, one_at_a_time: int) -> dict[str, Any]:
    async with fresh_database() as (_, db):
        await seed.seed_demo(db, seed=1, entities=0)
        version, keywords = await _catalog(db, matters)
        with Progress(transient=True) as progress:
            progress.add_task(f"登记 {registrations} 个主体（不计时）", total=None)
            ids = await _entities(db, registrations, keywords, offset=0)
        batch = await _batch(db, ids)
        print(f"batch          {batch}")
        single = await _one_at_a_time(db, one_at_a_time, keywords)
        print(f"one at a time  {single}")
        figures = {"catalog_version": version, "matters": matters, "batch": batch, "one_at_a_time": single}
        write_result("routing", figures)
        return figures
