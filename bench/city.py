"""A city of any size for the analysis benches, built in bulk (never timed).

Entities are inserted in chunks with explicit ids after the demo catalog (`seed_demo(entities=0)`):
varied Chinese names, former-name-like words, legal representatives and addresses, so that a search
finds what a real registry would give it, in every district and the four colours. The records over the
city (licences, penalties, notices, complaints) have one builder, `build_records`, each bench giving its
mix and span; a bench that needs more (plans and tasks, referrals) adds its builder here, each one
function."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col, select

from models import (
    Complaint,
    Department,
    InspectionResult,
    InspectionTask,
    License,
    MarketEntity,
    Notice,
    Penalty,
    Referral,
    Region,
    ResultCategory,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SupervisionMatter,
)
from models.enums import (
    ComplaintCategory,
    EntityStatus,
    EntityType,
    InspectionTaskKind,
    InspectionTaskStatus,
    LicenseCategory,
    NoticeStatus,
    PenaltyCategory,
    PlanRole,
    RecordStatus,
    ReferralReason,
    ReferralStatus,
    RiskColour,
    SampleKind,
    SpotCheckPlanStatus,
)
from services.platform.db import Database
from services.platform.principal import Principal
from services.registry import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISTRICTS = ("210202", "210203", "210204", "210211", "210212", "210213", "210214", "210281", "210283")
COLOURS = (RiskColour.GREEN,) * 80 + (RiskColour.YELLOW,) * 12 + (RiskColour.RED,) * 6 + (RiskColour.BLACK,) * 2
STATUSES = (EntityStatus.ACTIVE,) * 90 + (EntityStatus.DEREGISTERED,) * 8 + (EntityStatus.REVOKED,) * 2
INDUSTRIES = ("H6210", "F5211", "C1391", "I6510", "L7212", "E4890", "K7010", "M7320", "O8010", "R8710")
CHUNK = 20_000
LEAD = "SCJG-210200"
ADDRESSED_IN = "辽宁省大连市"  # every address begins so, then its district's name
SYSTEM = Principal.system("bench")

PLACES = [
    "大连",
    "旅顺",
    "金州",
    "普兰店",
    "瓦房店",
    "庄河",
    "长海",
    "星海",
    "滨海",
    "海湾",
    "黄海",
    "渤海",
    "东港",
    "西岗",
    "中山",
    "甘井子",
]
WORDS = [
    "恒信",
    "华泰",
    "宏远",
    "鑫源",
    "瑞丰",
    "永盛",
    "隆达",
    "安康",
    "福海",
    "金鼎",
    "嘉禾",
    "通达",
    "天宇",
    "博雅",
    "兴业",
    "明辉",
    "汇通",
    "盛世",
    "海洋",
    "凯越",
    "远航",
    "德润",
    "和顺",
    "祥云",
    "正邦",
    "海韵",
    "东方",
    "新锐",
    "晨光",
    "蓝天",
    "远景",
    "智慧",
    "百川",
    "万家",
    "顺发",
]
TRADES = [
    "科技",
    "商贸",
    "餐饮",
    "物流",
    "建筑",
    "食品",
    "医药",
    "贸易",
    "信息",
    "水产",
    "船舶",
    "装饰",
    "文化",
    "旅游",
    "服装",
    "电子",
    "机械",
]
FORMS = ("有限公司", "有限责任公司", "股份有限公司", "经营部", "商行", "专业合作社")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欣"
STREETS = [
    "人民路",
    "中山路",
    "解放路",
    "长江路",
    "黄河路",
    "五一路",
    "胜利路",
    "友好路",
    "西安路",
    "高尔基路",
    "港湾街",
    "天津街",
    "鲁迅路",
    "昆明街",
]


def code(n: int, region: str) -> str:
    body = "".join(ALPHABET[(9_000_000 + n) // 31**k % 31] for k in range(7, -1, -1))
    return uscc.compose("9", "1", region, body)


def name(n: int, rng: random.Random) -> str:
    """Mostly unique, as real names are: a place, a word or two, a trade, a form; a number when needed."""
    base = f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(TRADES)}"
    return f"{base}{rng.choice(FORMS)}" if rng.random() < 0.5 else f"{base}{n}{rng.choice(FORMS)}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


async def build_entities(db: Database, count: int, seed: int = 12) -> int:
    """`count` entities with ids 1..count (the demo catalog must be seeded first); the lead's id."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with db.session(SYSTEM) as session:
        lead = await session.scalar(select(Department).where(Department.code == LEAD))
        assert lead is not None and lead.id is not None
        # An address names its district, as a real one does: a district's name is a text the city
        # holds many times and another district's desk none (bench/search.py searches for it).
        districts = dict((await session.execute(select(col(Region.code), col(Region.name)))).all())
    first_day = date(2000, 1, 1)
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, count)):
            region = DISTRICTS[n % len(DISTRICTS)]
            rows.append({
                "id": n + 1, "uscc": code(n, region), "name": name(n, rng),
                "entity_type": EntityType.COMPANY, "legal_representative": person_name(rng),
                "established_on": first_day + timedelta(days=rng.randrange(9600)),
                "status": rng.choice(STATUSES), "region_code": region,
                "address": f"{ADDRESSED_IN}{districts[region]}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                "industry_code": rng.choice(INDUSTRIES), "business_scope": "一般项目：技术服务",
                "scope_entry_codes": [], "registration_authority_id": lead.id, "risk_colour": rng.choice(COLOURS),
                "created_at": now, "updated_at": now,
            })  # fmt: skip
        async with db.session(SYSTEM) as session:
            await session.execute(sa.insert(MarketEntity.__table__), rows)  # type: ignore[attr-defined]
            await session.commit()
    if not db.is_sqlite:  # ids were given explicitly: move the sequence past them
        async with db.session(SYSTEM) as session:
            await session.execute(sa.text("SELECT setval('market_entity_id_seq', (SELECT max(id) FROM market_entity))"))
            await session.execute(sa.text("ANALYZE"))
            await session.commit()
    return lead.id


@dataclass(frozen=True)
class Mix:
    """How many records of each kind a city has, as one entity in so many (0: none of that kind)."""

    licences: int
    penalties: int
    notices: int
    complaints: int = 0  # each such entity has one to four


def _moment(rng: random.Random, first: datetime, days: int) -> datetime:
    return first + timedelta(seconds=rng.randrange(days * 86400))


async def build_records(db: Database, count: int, first: datetime, days: int, mix: Mix,
                        seed: int = 13) -> dict[str, int]:  # fmt: skip
    """Licences, penalties, notices and hotline complaints over entities 1..count, each at a moment in
    `days` from `first`, from a department of the demo catalog, as departments keep them: a licence or a
    penalty stored (aggregated) mostly within a week of its decision (one penalty in twenty withdrawn); a
    notice mostly claimed within days and most of those fed back, some forwarded, returned or still
    waiting. One builder for the statistics bench (bench/analysis.py: counts by decision date, push date
    and status) and the 绩效考核 bench (bench/performance.py: the same rows' working days, with its plans
    and referrals). How many of each were stored."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    async with db.session(SYSTEM) as session:
        departments = [
            int(i or 0) for i in (await session.scalars(select(col(Department.id)).order_by(col(Department.id)))).all()
        ]
        matters = [
            int(i or 0)
            for i in (
                await session.scalars(select(col(SupervisionMatter.id)).order_by(col(SupervisionMatter.id)))
            ).all()
        ]

    def decision(n: int, number: str) -> dict[str, object]:
        decided_on = _moment(rng, first, days)
        decided = decided_on.date()
        return {
            "entity_id": n, "source_department_id": rng.choice(departments), "party_name": "基准主体",
            "document_number": number, "content": "基准", "decision_date": decided,
            "authority_name": "基准机关", "public_until": decided + timedelta(days=1095),
            "status": RecordStatus.EFFECTIVE,
            "created_at": decided_on + timedelta(hours=8 + rng.expovariate(1 / 96)), "updated_at": now,
        }  # fmt: skip

    def notice(n: int) -> dict[str, object]:
        pushed = _moment(rng, first, days)
        row: dict[str, object] = {
            "entity_id": n, "matter_id": rng.choice(matters), "department_id": rng.choice(departments),
            "status": NoticeStatus.PUSHED, "pushed_at": pushed, "deadline": (pushed + timedelta(days=7)).date(),
            "reason": "REGISTRATION", "claimed_at": None, "feedback_at": None,
        }  # fmt: skip
        roll = rng.random()
        if roll < 0.85:
            claimed = pushed + timedelta(hours=rng.expovariate(1 / 60))
            row.update(status=NoticeStatus.CLAIMED, claimed_at=claimed)
            if rng.random() < 0.7:
                row.update(status=NoticeStatus.FEEDBACK_GIVEN, feedback_at=claimed + timedelta(days=rng.randint(1, 30)))
        elif roll < 0.9:
            row["status"] = NoticeStatus.FORWARDED
        elif roll < 0.93:
            row["status"] = NoticeStatus.RETURNED
        return row

    def one_in(every: int, n: int) -> bool:
        return every > 0 and n % every == 0

    stored = {"licenses": 0, "penalties": 0, "complaints": 0, "notices": 0}
    for start in range(0, count, CHUNK):
        licences: list[dict[str, object]] = []
        penalties: list[dict[str, object]] = []
        complaints: list[dict[str, object]] = []
        notices: list[dict[str, object]] = []
        for n in range(start + 1, min(start + CHUNK, count) + 1):
            if one_in(mix.licences, n):
                row = decision(n, f"BENCH-L-{n}")
                licences.append({
                    **row, "document_name": "行政许可决定书", "category": rng.choice(list(LicenseCategory)),
                    "license_number": f"XK-{n}", "valid_from": row["decision_date"], "valid_to": date(2099, 12, 31),
                })  # fmt: skip
            if one_in(mix.penalties, n):
                penalties.append({
                    **decision(n, f"BENCH-P-{n}"), "violation_type": "基准", "facts": "事实", "basis": "依据",
                    "categories": [PenaltyCategory.FINE],
                    "fine_amount": Decimal(rng.randrange(10_000, 20_000_000)).scaleb(-2),
                    "status": RecordStatus.WITHDRAWN if rng.random() < 0.05 else RecordStatus.EFFECTIVE,
                })  # fmt: skip
            if one_in(mix.complaints, n):
                for k in range(rng.randint(1, 4)):
                    complaints.append({
                        "entity_id": n, "source_department_id": rng.choice(departments), "reference": f"SX-{n}-{k}",
                        "received_on": _moment(rng, first, days).date(),
                        "category": rng.choice(list(ComplaintCategory)),
                        "resolved": False, "created_at": now, "updated_at": now,
                    })  # fmt: skip
            if one_in(mix.notices, n):
                notices.append(notice(n))
        async with db.session(SYSTEM) as session:
            for model, rows in ((License, licences), (Penalty, penalties), (Complaint, complaints), (Notice, notices)):
                if rows:
                    await session.execute(sa.insert(model.__table__), rows)  # type: ignore[union-attr]
            await session.commit()
        for key, rows in zip(stored, (licences, penalties, complaints, notices), strict=True):
            stored[key] += len(rows)
    if not db.is_sqlite:
        async with db.session(SYSTEM) as session:
            await session.execute(sa.text("ANALYZE"))
            await session.commit()
    return stored


# -- 绩效考核's traces (bench/performance.py): the records above, plans and tasks, referrals --------

TRACES = Mix(licences=4, penalties=10, notices=3)


async def _insert(db: Database, table: sa.Table, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with db.session(SYSTEM) as session:
            await session.execute(sa.insert(table), rows[start : start + CHUNK])
            await session.commit()


async def build_traces(db: Database, entities: int, first: datetime, days: int, seed: int = 13) -> dict[str, int]:
    """Over `days` from `first`, for every department of the demo catalog: the records of build_records
    (TRACES: a notice for one entity in three, a licence for one in four, a penalty for one in ten), the
    plans, tasks and results of build_spot_checks, and a referral for one entity in fifty. Returns how
    many of each were stored."""
    async with db.session(SYSTEM) as session:
        departments = [d for d in (await session.scalars(select(Department.id))).all() if d is not None]
    stored = await build_records(db, entities, first, days, TRACES, seed=seed)
    checks = await build_spot_checks(db, entities, first, days, seed=seed + 1)
    rng = random.Random(seed + 2)
    referrals: list[dict[str, object]] = []
    for n in range(0, entities, 50):
        sent = _moment(rng, first, days)
        acknowledged = sent + timedelta(hours=rng.expovariate(1 / 48)) if rng.random() < 0.9 else None
        handled = acknowledged + timedelta(days=rng.randint(1, 20)) if acknowledged and rng.random() < 0.7 else None
        state = ReferralStatus.HANDLED if handled else (
            ReferralStatus.ACKNOWLEDGED if acknowledged else ReferralStatus.SENT)  # fmt: skip
        referrals.append({
            "entity_id": n + 1, "from_department_id": rng.choice(departments),
            "to_department_id": rng.choice(departments), "reason": ReferralReason.MANUAL, "message": "基准",
            "status": state, "sent_at": sent, "acknowledged_at": acknowledged, "handled_at": handled,
            "outcome": "已处理" if handled else None,
        })  # fmt: skip
    await _insert(db, Referral.__table__, referrals)  # type: ignore[attr-defined]
    if not db.is_sqlite:
        await _analysed(db)
    return {"notices": stored["notices"], "licenses": stored["licenses"], "penalties": stored["penalties"],
            **checks, "referrals": len(referrals), "departments": len(departments)}  # fmt: skip


async def build_spot_checks(db: Database, entities: int, first: datetime, days: int, seed: int = 14) -> dict[str, int]:
    """Over `days` from `first`: a drawn plan a month for one department of the demo catalog in three,
    a task for one entity in fifty (nine in ten recorded 5-40 days after the draw, nine in ten of those
    published 1-35 days later), and each recorded task's result, of one or two of the published result
    categories (most often 未发现问题). Returns how many plans, tasks and results were stored."""
    async with db.session(SYSTEM) as session:
        departments = [d for d in (await session.scalars(select(Department.id))).all() if d is not None]
        plans_before = await session.scalar(sa.select(sa.func.coalesce(sa.func.max(SpotCheckPlan.id), 0)))
        tasks_before = await session.scalar(sa.select(sa.func.coalesce(sa.func.max(InspectionTask.id), 0)))
        version = await session.scalar(sa.select(sa.func.max(ResultCategory.version)))
        in_force = select(ResultCategory.code).where(ResultCategory.version == version)
        in_force = in_force.order_by(col(ResultCategory.position))
        categories = list((await session.scalars(in_force)).all())
    now = datetime.now(UTC)
    rng = random.Random(seed)
    plans: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    tasks: list[dict[str, object]] = []
    results: list[dict[str, object]] = []
    leads = departments[::3]
    months = max(1, days // 30)
    for month in range(months):
        for lead in leads:
            plan_id = (plans_before or 0) + len(plans) + 1
            drawn = first + timedelta(days=30 * month + rng.randrange(28))
            plans.append({
                "id": plan_id, "name": f"基准计划{plan_id}", "lead_department_id": lead,
                "status": SpotCheckPlanStatus.DRAWN, "filter": {}, "sample_kind": SampleKind.COUNT,
                "sample_count": 1, "inspectors_per_target": 2, "period_start": drawn.date(),
                "period_end": drawn.date() + timedelta(days=60), "created_by": "bench", "drawn_at": drawn,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
            members.append(
                {"plan_id": plan_id, "department_id": lead, "role": PlanRole.LEAD, "inspectors_per_target": 2}
            )
    for n in range(0, entities, 50):
        plan = plans[rng.randrange(len(plans))]
        drawn_at = plan["drawn_at"]
        assert isinstance(drawn_at, datetime)
        due = drawn_at.date() + timedelta(days=30)
        recorded = drawn_at + timedelta(days=rng.randint(5, 40)) if rng.random() < 0.9 else None
        published = recorded + timedelta(days=rng.randint(1, 35)) if recorded and rng.random() < 0.9 else None
        status = InspectionTaskStatus.PUBLISHED if published else (
            InspectionTaskStatus.RECORDED if recorded else InspectionTaskStatus.ASSIGNED)  # fmt: skip
        task_id = (tasks_before or 0) + len(tasks) + 1
        tasks.append({
            "id": task_id, "plan_id": plan["id"], "entity_id": n + 1, "department_id": plan["lead_department_id"],
            "kind": InspectionTaskKind.DRAWN, "status": status, "due_on": due, "recorded_at": recorded,
            "publish_due_on": (recorded + timedelta(days=28)).date() if recorded else None,
            "published_at": published, "created_at": now, "updated_at": now,
        })  # fmt: skip
        if recorded and categories:
            found = [categories[0]] if rng.random() < 0.7 else rng.sample(categories[1:], min(2, len(categories) - 1))
            results.append({
                "task_id": task_id, "items": [], "categories": found, "category_version": version,
                "attachments": [], "recorded_at": recorded, "recorded_by": "bench",
            })  # fmt: skip
    await _insert(db, SpotCheckPlan.__table__, plans)  # type: ignore[attr-defined]
    await _insert(db, SpotCheckPlanDepartment.__table__, members)  # type: ignore[attr-defined]
    await _insert(db, InspectionTask.__table__, tasks)  # type: ignore[attr-defined]
    await _insert(db, InspectionResult.__table__, results)  # type: ignore[attr-defined]
    if not db.is_sqlite:
        await _analysed(db)
    return {"plans": len(plans), "tasks": len(tasks), "results": len(results)}


async def _analysed(db: Database) -> None:
    """PostgreSQL: the sequences past the explicit ids given, and the planner's statistics of the new rows."""
    async with db.session(SYSTEM) as session:
        for table in ("spot_check_plan", "inspection_task"):
            await session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        await session.execute(sa.text("ANALYZE"))
        await session.commit()


@asynccontextmanager
async def search_index_filled_after(db: Database) -> AsyncIterator[None]:
    """SQLite: the city is built without the text index's insert trigger, and the index is filled
    afterwards by the trigger's own statement over every row at once. Built row by row, each
    chunk's FTS5 segment was merged into an ever larger index: a million entities took over an
    hour on a loaded machine; at once, under four minutes. The index is the same either way, and
    the trigger is back for whatever the bench writes after."""
    if not db.is_sqlite:
        yield
        return
    async with db.engine.begin() as connection:
        trigger = (
            await connection.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'entity_search_added'"))
        ).scalar_one()
        await connection.execute(sa.text("DROP TRIGGER entity_search_added"))
    yield
    # "… BEGIN INSERT INTO entity_search(…) VALUES (new.…); INSERT INTO entity_search_codes …; END":
    # each INSERT as one INSERT … SELECT over every row.
    body = trigger[trigger.index(" BEGIN ") + len(" BEGIN ") : trigger.rindex("; END")]
    async with db.engine.begin() as connection:
        for statement in body.split("; "):
            head, values = statement.split(" VALUES (", 1)
            await connection.execute(sa.text(f"{head} SELECT {values[:-1]} FROM market_entity AS new"))
        await connection.execute(sa.text(trigger))
