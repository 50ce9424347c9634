"""seed-demo's 双随机、一公开 as a user finds it after `make run`: the supervising departments'
check items and inspectors (one declared conflict, one inspector signing in on a phone), the
directories and plans at each stage. The shared `city` is seeded without spot checks, so each
test here seeds a city of its own (a couple of seconds)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from typing import Any

from sqlmodel import col, select

import models
from models import (
    CheckItem,
    Department,
    DrawRecord,
    EntityDirectory,
    InspectionResult,
    InspectionTask,
    Inspector,
    InspectorConflict,
    MarketEntity,
    Referral,
    SpotCheckPlan,
)
from models.enums import ReferralReason
from services.platform.clock import today
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from services.spotchecks import recompute
from tests.conftest import Api, make_client
from tests.support.admin import list_page, sign_in
from tests.support.lists import CHECK_ITEMS, INSPECTORS
from tests.support.seeded_spotchecks import seeded, token_of

INSPECTORS_WITH_USERS = """
query($d: String) {
  inspectors(departmentCode: $d) {
    certificateNo name active validFrom validTo username certificateStatus conflicts { uscc reason }
  }
}
"""


async def test_each_supervising_department_keeps_check_items_with_legal_bases_and_forms(db: Database, api: Api) -> None:
    report = await seeded(db)
    district = token_of(report, "中山区市场监督管理局")
    market = (await api.data(CHECK_ITEMS, {"d": "SCJG-210202"}, district))["checkItems"]
    health = (await api.data(CHECK_ITEMS, {"d": "WJ-210202"}, district))["checkItems"]
    city = (await api.data(CHECK_ITEMS, {"d": "SCJG-210200"}, district))["checkItems"]
    names = {item["name"] for item in market}
    assert {"企业公示信息检查（年度报告、即时信息）", "食品经营检查", "营业执照（登记事项）检查"} <= names
    assert "公共场所卫生监督检查" in {item["name"] for item in health}
    assert {item["code"] for item in city} == {item["code"] for item in market}, "the city bureau keeps the list too"
    for item in market + health:
        assert 3 <= len(item["formItems"]) <= 6, item["code"]
        assert item["active"] and item["department"]["code"] in ("SCJG-210202", "WJ-210202")
    every = (await api.data(CHECK_ITEMS, {}, district))["checkItems"]
    assert report.spot_checks is not None and len(every) == report.spot_checks.check_items
    # Each district's market regulator and health bureau keeps its own.
    assert {item["department"]["code"].split("-")[1] for item in every} >= {"210202", "210203", "210211", "210283"}

    legal = await api.data(
        '{ checkItems(departmentCode: "SCJG-210202") { code legalBasis } }', {}, district
    )  # fmt: skip
    bases = {item["code"]: item["legalBasis"] for item in legal["checkItems"]}
    assert bases["SJ-GSXX"] == "《企业信息公示暂行条例》第十四条"
    assert all(re.search(r"《[^》]+》第[一二三四五六七八九十百]+条", basis) for basis in bases.values())


async def test_inspectors_have_certificates_some_expired_or_off_duty_and_one_conflict(db: Database, api: Api) -> None:
    report = await seeded(db)
    district = token_of(report, "中山区市场监督管理局")
    mine = (await api.data(INSPECTORS_WITH_USERS, {}, district))["inspectors"]
    assert all(re.fullmatch(r"21020201\d{4}", i["certificateNo"]) for i in mine), "region, line, serial"
    statuses = [(i["active"], i["certificateStatus"]) for i in mine]
    assert statuses.count((True, "VALID")) == 7
    assert (True, "EXPIRED") in statuses and (False, "VALID") in statuses
    expired = next(i for i in mine if i["certificateStatus"] == "EXPIRED")
    assert date.fromisoformat(expired["validTo"]) < today()
    eligible = (await api.data(INSPECTORS, {"on": today().isoformat()}, district))["inspectors"]
    assert len(eligible) == 7, "only those on duty with a valid certificate are drawn"
    [declaring] = [i for i in mine if i["conflicts"]]
    [conflict] = declaring["conflicts"]
    assert conflict["uscc"][2:8] == "210202" and conflict["reason"], "a conflict with an entity of the district"
    assert len({i["name"] for i in mine}) == len(mine)

    # A department sees only its own inspectors: the other district's are its own business.
    other = (await api.data(INSPECTORS_WITH_USERS, {}, token_of(report, "西岗区市场监督管理局")))["inspectors"]
    assert other and all(i["certificateNo"].startswith("21020301") for i in other)


async def test_the_inspector_login_signs_in_and_is_linked_to_an_officer(
    db: Database, api: Api, settings: Settings
) -> None:
    report = await seeded(db)
    assert report.spot_checks is not None
    login = report.spot_checks.inspector_login
    health = token_of(report, "中山区卫生健康局")
    officers = (await api.data(INSPECTORS_WITH_USERS, {}, health))["inspectors"]
    [linked] = [i for i in officers if i["username"] == login.username]
    assert linked["certificateNo"] == report.spot_checks.inspector_certificate_no
    assert linked["active"] and linked["certificateStatus"] == "VALID"

    async with make_client(settings, db) as client:
        signed = await sign_in(client, login.username, login.password)
        assert signed.status_code == 200 and "用户名或密码错误" not in signed.text and login.display_name in signed.text
        page = await list_page(client, "inspector")
        assert linked["certificateNo"] in page and login.username in page


TASKS = """
query($f: InspectionTaskFilter) {
  inspectionTasks(filter: $f, first: 100) {
    totalCount
    edges { node {
      status department { code } entity { uscc } inspectors { certificateNo }
      result { rectificationDueOn categories { code } items { finding } }
    } }
  }
}
"""
PLANS = "{ spotCheckPlans(first: 20) { edges { node { id name status seedCommitment } } } }"
PUBLICITY = """
query($u: String!) { publicity(uscc: $u) { inspectionResults { planName departmentName categories { code name } } } }
"""


def _tasks(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in answer["inspectionTasks"]["edges"]]


async def test_the_done_plan_is_published_and_anyone_can_verify_its_draw(
    db: Database, api: Api, settings: Settings
) -> None:
    report = await seeded(db)
    assert report.spot_checks is not None
    done = report.spot_checks.done_plan_id
    district = token_of(report, "中山区市场监督管理局")
    plans = {p["node"]["id"]: p["node"] for p in (await api.data(PLANS, {}, district))["spotCheckPlans"]["edges"]}
    assert plans[str(done)]["status"] == "DONE"
    assert plans[str(report.spot_checks.joint_plan_id)]["status"] == "IN_PROGRESS"

    async with make_client(settings, db) as public:
        page = await public.get(f"/public/draws/{done}")
        assert page.status_code == 200 and plans[str(done)]["name"] in page.text
        # Its published results are on the page: mostly 未发现问题, one 无法联系, one 责令改正.
        assert page.text.count("<td>未发现问题</td>") == 6
        assert "通过登记的住所（经营场所）无法联系" in page.text and "发现问题已责令改正" in page.text
        record = (await public.get(f"/public/draws/{done}.json")).json()
    # The rule of tools/draw_record.md, on the published record alone.
    assert hashlib.sha256(bytes.fromhex(record["seed"])).hexdigest() == record["seedCommitment"]
    candidates = record["candidates"]
    assert candidates == sorted(set(candidates)) and record["candidateCount"] == len(candidates)
    assert hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest() == record["candidateListHash"]
    again = recompute(record)
    assert again["selections"] == record["selections"] and again["strata"] == record["strata"]
    assert len(record["selections"]) == 8 and all(len(s["inspectors"]) == 2 for s in record["selections"])
    assert all(u[2:8] == "210202" for u in candidates), "the district's directory"

    tasks = _tasks(await api.data(TASKS, {"f": {"planId": str(done)}}, district))
    assert {t["entity"]["uscc"] for t in tasks} == {s["uscc"] for s in record["selections"]}
    assert {t["status"] for t in tasks} == {"PUBLISHED"}
    categories = sorted(c["code"] for t in tasks for c in t["result"]["categories"])
    assert categories.count("NO_PROBLEM") == 6 and "UNREACHABLE" in categories
    [ordered] = [t for t in tasks if t["result"]["rectificationDueOn"]]
    assert [c["code"] for c in ordered["result"]["categories"]] == ["RECTIFICATION_ORDERED"]
    assert date.fromisoformat(ordered["result"]["rectificationDueOn"]) > today()
    assert "NON_CONFORMING" in {i["finding"] for i in ordered["result"]["items"]}

    # The public sees a selected entity's published result; 无法联系 went to its registration authority.
    selected = record["selections"][0]["uscc"]
    shown = (await api.data(PUBLICITY, {"u": selected}))["publicity"]["inspectionResults"]
    assert [r["planName"] for r in shown] == [plans[str(done)]["name"]]
    [unreachable] = [t["entity"]["uscc"] for t in tasks if t["result"]["categories"][0]["code"] == "UNREACHABLE"]
    async with db.session(Principal.system()) as session:
        proposals = (await session.scalars(
            select(Referral).where(col(Referral.reason) == ReferralReason.LISTING_PROPOSAL)
        )).all()  # fmt: skip
        entity = await session.scalar(select(MarketEntity).where(col(MarketEntity.uscc) == unreachable))
    assert entity is not None
    assert [(p.entity_id, p.to_department_id) for p in proposals] == [(entity.id, entity.registration_authority_id)]


async def test_the_joint_plan_has_tasks_for_both_departments_and_the_inspector_sees_theirs(
    db: Database, api: Api, settings: Settings
) -> None:
    report = await seeded(db)
    assert report.spot_checks is not None
    joint = str(report.spot_checks.joint_plan_id)
    lead = token_of(report, "中山区市场监督管理局")
    tasks = _tasks(await api.data(TASKS, {"f": {"planId": joint}}, lead))
    by_department = Counter(t["department"]["code"] for t in tasks)
    assert by_department == {"SCJG-210202": 4, "WJ-210202": 4}
    statuses = Counter(t["status"] for t in tasks)
    assert statuses == {"ASSIGNED": 7, "RECORDED": 1}, "in progress: one result recorded"
    done_entities = {t["entity"]["uscc"] for t in _tasks(await api.data(
        TASKS, {"f": {"planId": str(report.spot_checks.done_plan_id)}}, lead))}  # fmt: skip
    assert not done_entities & {t["entity"]["uscc"] for t in tasks}, "those just checked are not drawn again"

    # The inspector's login is a health officer: the bureau reads the tasks they are assigned to.
    health = token_of(report, "中山区卫生健康局")
    number = report.spot_checks.inspector_certificate_no
    theirs = _tasks(await api.data(TASKS, {"f": {"inspectorCertificateNo": number}}, health))
    assert len(theirs) == 2, "two officers of the bureau share its four tasks"
    assert all(number in [i["certificateNo"] for i in t["inspectors"]] for t in theirs)
    assert all(t["status"] == "ASSIGNED" and t["department"]["code"] == "WJ-210202" for t in theirs)

    # And on their phone page, signed in with the printed login: their two tasks, none of the other officer's.
    login = report.spot_checks.inspector_login
    everyone = {t["entity"]["uscc"] for t in tasks if t["department"]["code"] == "WJ-210202"}
    async with make_client(settings, db) as phone:
        await sign_in(phone, login.username, login.password)
        page = await phone.get("/admin/my-inspection-tasks")
    assert page.status_code == 200
    shown = {uscc for uscc in everyone if uscc in page.text}
    assert shown == {t["entity"]["uscc"] for t in theirs}


async def test_an_approved_plan_waits_for_its_draw_with_its_commitment_public(db: Database, api: Api) -> None:
    report = await seeded(db)
    assert report.spot_checks is not None
    waiting = report.spot_checks.approved_plan_id
    other = token_of(report, "西岗区市场监督管理局")
    plans = (await api.data(PLANS, {}, other))["spotCheckPlans"]["edges"]
    [plan] = [p["node"] for p in plans if p["node"]["id"] == str(waiting)]
    assert plan["status"] == "APPROVED" and re.fullmatch(r"[0-9a-f]{64}", plan["seedCommitment"])
    public = await api.data(
        "query($p: ID!) { publicDrawRecord(planId: $p) { seed seedCommitment selections { uscc } } }",
        {"p": str(waiting)},
    )
    assert public["publicDrawRecord"] == {"seed": None, "seedCommitment": plan["seedCommitment"], "selections": []}


async def _spot_check_data(db: Database) -> dict[str, Any]:
    """What the same seed must give again, by natural keys (ids and the draw's seed aside)."""
    async with db.session(Principal.system()) as session:
        code = dict((await session.execute(select(col(Department.id), col(Department.code)))).all())
        uscc = dict((await session.execute(select(col(MarketEntity.id), col(MarketEntity.uscc)))).all())
        items = [(code[i.department_id], i.code, i.name, i.legal_basis, i.form_items, i.active)
                 for i in (await session.scalars(select(CheckItem))).all()]  # fmt: skip
        officers = {i.id: i for i in (await session.scalars(select(Inspector))).all()}
        inspectors = [(i.certificate_no, code[i.department_id], i.name, i.valid_from, i.valid_to, i.active,
                       i.user_id is not None) for i in officers.values()]  # fmt: skip
        conflicts = [(officers[c.inspector_id].certificate_no, uscc[c.entity_id], c.reason)
                     for c in (await session.scalars(select(InspectorConflict))).all()]  # fmt: skip
        directories = [(code[d.department_id], d.name, d.filter)
                       for d in (await session.scalars(select(EntityDirectory))).all()]  # fmt: skip
        plans = {p.id: p for p in (await session.scalars(select(SpotCheckPlan))).all()}
        plan_rows = [(p.name, code[p.lead_department_id], p.status, p.filter, p.sample_kind, p.sample_count,
                      p.sample_ratio, p.inspectors_per_target, p.period_start, p.period_end)
                     for p in plans.values()]  # fmt: skip
        tasks = Counter((plans[t.plan_id].name, code[t.department_id], t.status)
                        for t in (await session.scalars(select(InspectionTask))).all() if t.plan_id)  # fmt: skip
        results = sorted(tuple(r.categories) for r in (await session.scalars(select(InspectionResult))).all())
    return {"items": sorted(items, key=repr), "inspectors": sorted(inspectors), "conflicts": sorted(conflicts),
            "directories": sorted(directories, key=repr), "plans": sorted(plan_rows, key=repr), "tasks": tasks,
            "results": results}  # fmt: skip


async def test_the_same_seed_gives_the_same_lists_plans_and_results_but_not_the_same_draw(db: Database) -> None:
    first = await seeded(db)
    before = await _spot_check_data(db)
    async with db.session(Principal.system()) as session:
        drawn_before = (await session.scalars(select(DrawRecord).order_by(col(DrawRecord.plan_id)))).all()
    async with db.engine.begin() as connection:
        # Empty as after `migrate`: the result categories are the migration's, not the seed's.
        for table in reversed(models.metadata.sorted_tables):
            if table.name != "result_category":
                await connection.execute(table.delete())
    second = await seeded(db)
    assert await _spot_check_data(db) == before
    assert first.spot_checks is not None and second.spot_checks is not None
    assert second.spot_checks.inspector_login.password != first.spot_checks.inspector_login.password
    async with db.session(Principal.system()) as session:
        drawn_after = (await session.scalars(select(DrawRecord).order_by(col(DrawRecord.plan_id)))).all()
    # Each approval draws its seed from `secrets`, as a real one must: the draw is verifiable, not replayable.
    assert len(drawn_after) == len(drawn_before) == 2
    assert drawn_after[0].candidates == drawn_before[0].candidates, "the done plan's directory"
    # The joint plan leaves out what the done plan's draw checked: as many, not the same ones.
    assert [d.candidate_count for d in drawn_after] == [d.candidate_count for d in drawn_before]
    assert {d.seed_hex for d in drawn_after}.isdisjoint({d.seed_hex for d in drawn_before})


async def test_a_tiny_city_still_seeds_with_only_the_approved_plan(db: Database, api: Api) -> None:
    report = await seeded(db, entities=20)
    assert report.spot_checks is not None
    assert (report.spot_checks.done_plan_id, report.spot_checks.joint_plan_id) == (None, None)
    plans = (await api.data(PLANS, {}, token_of(report, "西岗区市场监督管理局")))["spotCheckPlans"]["edges"]
    assert [p["node"]["status"] for p in plans] == ["APPROVED"]
