"""一公开: a plan's draw record without a login, as a page, as JSON and as the candidate list."""

from __future__ import annotations

import hashlib
import json

from public_ui import QUERY
from services.platform.db import Database
from services.spotchecks import recompute
from tests.conftest import Api, DemoCity
from tests.support.draws import DISTRICT, PUBLIC, add_check_item, add_inspectors, approved_plan, create, drawn_plan


async def test_the_public_reads_a_drawn_plans_record(api: Api, city: DemoCity, db: Database) -> None:
    await add_check_item(db, DISTRICT)
    certificates = await add_inspectors(db, DISTRICT, 4, "21020200")
    plan_id, record = await drawn_plan(api, city.tokens["district"])
    page = await api.client.get(f"/public/draws/{plan_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert record["planName"] in html and record["seed"] in html and record["seedCommitment"] in html
    assert "行政区划 210202（中山区）" in html and "登记状态 存续" in html
    assert all(s["uscc"] in html for s in record["selections"])
    assert "中山区市场监督管理局" in html and certificates[0] in html
    assert "检查员" not in html  # inspectors' names are internal: certificate numbers only
    assert "/admin" not in html

    body = await api.client.get(f"/public/draws/{plan_id}.json")
    assert body.status_code == 200 and body.headers["content-type"].startswith("application/json")
    published = json.loads(body.text)
    assert published == record
    # The page's footer query answers the same record (the verifier reads either).
    answered = await api.data(QUERY, {"planId": plan_id})
    assert answered["publicDrawRecord"] == published
    assert recompute(published)["selections"] == published["selections"]

    listed = await api.client.get(f"/public/draws/{plan_id}/candidates.txt")
    assert listed.status_code == 200
    assert hashlib.sha256(listed.content).hexdigest() == record["candidateListHash"]
    assert listed.text.split("\n") == record["candidates"]


async def test_before_the_draw_only_the_commitment_is_public(api: Api, city: DemoCity, db: Database) -> None:
    await add_check_item(db, DISTRICT)
    draft = (await create(api, city.tokens["district"]))["plan"]["id"]
    assert (await api.data(PUBLIC, {"id": draft}))["publicDrawRecord"] is None
    assert (await api.client.get(f"/public/draws/{draft}")).status_code == 404
    plan_id = await approved_plan(api, city.tokens["district"])
    public = (await api.data(PUBLIC, {"id": plan_id}))["publicDrawRecord"]
    assert public["seed"] is None and len(public["seedCommitment"]) == 64
    assert public["selections"] == [] and public["candidates"] == []
    page = await api.client.get(f"/public/draws/{plan_id}")
    assert page.status_code == 200 and public["seedCommitment"] in page.text and "抽取后公开" in page.text
    assert (await api.client.get(f"/public/draws/{plan_id}/candidates.txt")).status_code == 404


async def test_an_unknown_plan_is_null(api: Api, city: DemoCity) -> None:
    assert (await api.data(PUBLIC, {"id": "999999"}))["publicDrawRecord"] is None
    assert (await api.data(PUBLIC, {"id": "abc"}))["publicDrawRecord"] is None
    assert (await api.client.get("/public/draws/999999.json")).status_code == 404
    assert (await api.client.get("/public/draws/999999")).status_code == 404
