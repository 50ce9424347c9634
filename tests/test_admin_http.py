"""The admin pages over HTTP: sign-in, CSRF, and who may reach what."""

from __future__ import annotations

import re

from services.platform.db import Database
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, list_page, sign_in


async def test_sign_in_and_out(api: Api, city: DemoCity) -> None:
    client = api.client
    assert (await client.get("/admin/")).status_code in (302, 303)
    wrong = await sign_in(client, "admin", "not-the-password")
    assert "用户名或密码错误" in wrong.text
    home = await sign_in(client, "admin", city.report.logins[0].password)
    assert home.status_code == 200 and "法人库概况" in home.text and "演示维护人员" in home.text
    # The entity statuses by their glossary names (a record's REVOKED is 已吊销, an entity's 吊销).
    assert re.search(r"存续</th>\s*<th[^>]*>吊销</th>\s*<th[^>]*>注销</th>", home.text)
    token = await csrf(client, "/admin/")
    await client.post("/admin/logout", data={"csrftoken": token})
    assert (await client.get("/admin/")).status_code in (302, 303)


async def test_a_post_without_the_csrf_token_is_refused(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"code": "CSRF-210202", "name": "伪造请求局", "level": "DISTRICT", "region_code": "210202"}
    refused = await client.post("/admin/department/create", data=form)
    assert refused.status_code == 403
    assert "CSRF-210202" not in await list_page(client, "department", q="CSRF")
    # The same form with its token goes through, and through the department service.
    token = await csrf(client, "/admin/department/create")
    accepted = await client.post("/admin/department/create", data={**form, "csrftoken": token})
    assert accepted.status_code in (302, 303)
    page = await list_page(client, "department", q="CSRF")
    assert "CSRF-210202" in page and "伪造请求局" in page


async def test_a_department_user_is_refused_the_maintainers_pages(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    for key in ("api-token", "user", "audit-event", "department", "region"):
        assert (await client.get(f"/admin/{key}/list")).status_code == 403, key
    assert (await client.get("/admin/market-entity/list")).status_code == 200


async def test_a_department_user_sees_only_its_jurisdiction(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    page = await list_page(client, "market-entity")
    assert set(re.findall(r"9[0-9A-Z]{17}", page)) == set(city.zhongshan)
    home = await client.get("/admin/")
    assert "中山区" in home.text and "西岗区" not in home.text
    query = "query($u: String!) { entity(uscc: $u) { name } }"
    name = (await api.data(query, {"u": city.xigang[0]}, city.tokens["city"]))["entity"]["name"]
    assert name not in await list_page(client, "market-entity", q=city.xigang[0])
    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        listed = await list_page(maintainer, "market-entity", q=city.xigang[0])
        assert name in listed
        detail = re.search(r"/admin/market-entity/detail\?pk=(\d+)", listed)
        assert detail
    # Not by its page's address either.
    hidden = await client.get("/admin/market-entity/detail", params={"pk": detail.group(1)})
    assert hidden.status_code == 404 and name not in hidden.text


async def test_maintainers_export_the_audit_log_as_csv(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/audit-event/list")
    response = await client.post(
        "/admin/_api/audit-event/action",
        params={"name": "export", "all": "1", "_list_query": "q=token.created"},
        data={"scope": "all", "format": "csv", "filename": "audit", "csrftoken": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.text[:500]
    assert "csv" in response.headers["content-type"]
    assert response.content.startswith("\ufeff".encode()), "a BOM, so Excel reads UTF-8"
    lines = response.text.lstrip("\ufeff").strip().splitlines()
    assert "操作者" in lines[0] and "操作" in lines[0]
    assert len(lines) == 1 + len(city.report.tokens)
    # Each event in Chinese, as the page shows it (issue 13): the action and the object type.
    assert all(",新建 API 令牌,API 令牌," in line for line in lines[1:])


async def test_a_new_token_is_shown_once_and_can_be_revoked(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/api-token-new")
    form = {"name": "西岗区卫健局业务系统", "department_code": "WJ-210203", "role": "DEPARTMENT", "csrftoken": token}
    created = await client.post("/admin/api-token-new", data=form)
    assert created.headers["cache-control"] == "no-store"
    shown = re.search(r'<code id="token-value">(jg_[A-Za-z0-9_-]+)</code>', created.text)
    assert shown, created.text[:2000]
    plain = shown.group(1)
    # Shown on that response only: not in a cookie, not on the next page.
    assert plain not in str(client.cookies) and plain not in created.headers.get("set-cookie", "")
    assert plain not in await list_page(client, "api-token")
    viewer = await api.data("{ viewer { name department { code } } }", token=plain)
    assert viewer["viewer"] == {"name": "西岗区卫健局业务系统", "department": {"code": "WJ-210203"}}
    # A bad department is said beside its field, and nothing is created.
    token = await csrf(client, "/admin/api-token-new")
    bad = await client.post("/admin/api-token-new", data={**form, "department_code": "NOPE-1", "csrftoken": token})
    assert "部门“NOPE-1”不存在" in bad.text and 'id="token-value"' not in bad.text
    listed = await list_page(client, "api-token", q="西岗区卫健局业务系统")
    pks = re.findall(r"/admin/api-token/detail\?pk=(\d+)", listed)
    assert len(set(pks)) == 1
    token = await csrf(client, "/admin/api-token/list")
    revoked = await client.post(
        "/admin/_api/api-token/action",
        params={"name": "revoke", "pks": pks[0]},
        data={"csrftoken": token},
        headers={"X-CSRFToken": token},
    )
    assert revoked.status_code == 200, revoked.text[:500]
    assert (await api.post("{ viewer { name } }", token=plain)).status_code == 401


async def test_a_maintainer_adds_a_user_who_can_then_sign_in(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/user/create")
    form = {
        "username": "li.na",
        "display_name": "李娜",
        "password": "short",
        "role": "DEPARTMENT",
        "department_code": "JT-210204",
        "csrftoken": token,
    }
    refused = await client.post("/admin/user/create", data=form)
    assert refused.status_code == 422 or "密码至少 10 个字符" in refused.text
    assert "密码至少 10 个字符" in refused.text and 'value="李娜"' in refused.text
    assert 'value="short"' not in refused.text, "a password is never written back into the page"
    token = await csrf(client, "/admin/user/create")
    accepted = await client.post("/admin/user/create", data={**form, "password": "a-long-password", "csrftoken": token})
    assert accepted.status_code in (302, 303)
    async with make_client(settings, db) as newcomer:
        home = await sign_in(newcomer, "li.na", "a-long-password")
        assert "李娜（沙河口区交通运输局）" in home.text


async def test_a_wrong_csrf_token_is_refused(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"code": "BAD-210202", "name": "伪造局", "level": "DISTRICT", "region_code": "210202", "csrftoken": "x"}
    assert (await client.post("/admin/department/create", data=form)).status_code == 403


async def test_creating_with_a_taken_code_does_not_overwrite(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/department/create")
    form = {"code": "SCJG-210202", "name": "冒名局", "level": "DISTRICT", "region_code": "210202", "csrftoken": token}
    refused = await client.post("/admin/department/create", data=form)
    assert "部门“SCJG-210202”已存在" in refused.text
    assert "冒名局" not in await list_page(client, "department", q="SCJG-210202")


async def test_sign_out_voids_the_session_cookie_everywhere(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    copied = dict(client.cookies)
    token = await csrf(client, "/admin/")
    await client.post("/admin/logout", data={"csrftoken": token})
    async with make_client(settings, db) as thief:
        thief.cookies.update(copied)
        assert (await thief.get("/admin/")).status_code in (302, 303)


async def test_department_users_cannot_export_the_registry(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    token = await csrf(client, "/admin/market-entity/list")
    export = {"scope": "all", "format": "csv", "filename": "registry", "csrftoken": token}
    refused = await client.post(
        "/admin/_api/market-entity/action", params={"name": "export", "all": "1"}, data=export,
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert refused.status_code == 400 and "禁止访问" in refused.text
    assert "9121" not in refused.text


async def test_exported_cells_cannot_become_formulas(api: Api, city: DemoCity) -> None:
    from tests.support.entities import REGISTER, registration

    payload = await api.data(REGISTER, {"input": registration(name='=HYPERLINK("http://x")')}, city.tokens["district"])
    uscc = payload["registerEntity"]["entity"]["uscc"]
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/market-entity/list")
    response = await client.post(
        "/admin/_api/market-entity/action",
        params={"name": "export", "all": "1", "_list_query": f"q={uscc}"},
        data={"scope": "all", "format": "csv", "filename": "registry", "csrftoken": token},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    row = next(line for line in response.text.splitlines() if uscc in line)
    assert "'=HYPERLINK" in row


async def test_the_audit_log_filters_by_time_and_actor(api: Api, city: DemoCity) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/department/create")
    form = {"code": "LATE-210202", "name": "后来局", "level": "DISTRICT", "region_code": "210202", "csrftoken": token}
    assert (await client.post("/admin/department/create", data=form)).status_code in (302, 303)
    # The filter builder's own syntax (field__op=value, a..b for between), in Beijing time.
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    since, until = ((now + timedelta(minutes=m)).strftime('"%Y-%m-%d %H:%M:%S"') for m in (-1, 1))
    recent = f"occurred_at__between={since}..{until}"
    assert "LATE-210202" in await list_page(client, "audit-event", filter=recent)
    # A signed-in user is recorded by username (issue 13), and shown with name and department.
    assert "LATE-210202" in await list_page(client, "audit-event", filter=f'{recent} AND actor__eq="admin"')
    assert "LATE-210202" not in await list_page(client, "audit-event", filter=f'{recent} AND actor__eq="seed-demo"')
    older = 'occurred_at__between="2000-01-01 00:00:00".."2000-01-02 00:00:00"'
    assert "LATE-210202" not in await list_page(client, "audit-event", filter=older)


async def test_a_maintainer_keeps_the_duty_catalog_in_the_admin(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/supervision-matter/create")
    form = {
        "code": "XD-CP",
        "name": "消毒产品生产企业卫生许可",
        "mode": "APPROVAL",
        "line": "NOPE",
        "approval_level": "CITY",
        "keywords": "消毒产品生产；消毒剂生产",
        "claim_deadline_days": "10",
        "legal_basis": "《消毒管理办法》第二十条",
        "effective_from": "2026-01-01",
        "csrftoken": token,
    }
    refused = await client.post("/admin/supervision-matter/create", data=form)
    assert "没有属于条线“NOPE”的部门" in refused.text and 'value="消毒产品生产企业卫生许可"' in refused.text
    token = await csrf(client, "/admin/supervision-matter/create")
    accepted = await client.post("/admin/supervision-matter/create", data={**form, "line": "WJ", "csrftoken": token})
    assert accepted.status_code in (302, 303)
    listed = await list_page(client, "supervision-matter", q="XD-CP")
    assert "消毒产品生产；消毒剂生产" in listed and "WJ-210200" in listed
    query = "{ supervisionMatters { code keywords } }"
    matters = (await api.data(query, token=city.tokens["maintainer"]))["supervisionMatters"]
    assert {"code": "XD-CP", "keywords": ["消毒产品生产", "消毒剂生产"]} in matters


async def test_the_catalog_edit_pages_keep_the_code_and_audit_only_a_change(
    api: Api, city: DemoCity, db: Database
) -> None:
    from sqlmodel import col, select

    from models import Department, DisciplineMeasure, Region, SupervisionMatter
    from services.platform.principal import Principal
    from tests.support.audit import audit_count, last_audit

    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    async with db.session(Principal.system()) as session:
        region = await session.get(Region, "210202")
        department = await session.scalar(select(Department).where(col(Department.code) == "WJ-210202"))
        matter = await session.scalar(select(SupervisionMatter).order_by(col(SupervisionMatter.code)).limit(1))
        measure = await session.scalar(select(DisciplineMeasure).order_by(col(DisciplineMeasure.code)).limit(1))
        assert region and department and matter and measure
        pages: list[tuple[str, object, str, dict[str, str]]] = [
            ("region", region.code, region.code, {"name": region.name, "parent_code": region.parent_code or ""}),
            ("department", department.id, department.code, {
                "name": department.name, "level": department.level.value, "region_code": department.region_code,
                "is_registration_authority": "on" if department.is_registration_authority else "",
                "line": department.line or ""}),
            ("supervision-matter", matter.id, matter.code, {
                "name": matter.name, "mode": matter.mode.value, "line": matter.line,
                "approval_level": matter.approval_level.value, "keywords": "；".join(matter.keywords),
                "entry_codes": "；".join(matter.entry_codes), "industry_codes": "；".join(matter.industry_codes),
                "claim_deadline_days": str(matter.claim_deadline_days), "legal_basis": matter.legal_basis,
                "effective_from": matter.effective_from.isoformat(),
                "effective_to": matter.effective_to.isoformat() if matter.effective_to else "",
                "handling_department_code": ""}),
            ("discipline-measure", measure.id, measure.code, {
                "name": measure.name, "listing_kind": measure.listing_kind.value, "legal_basis": measure.legal_basis,
                "applied_by": measure.applied_by, "active": "on" if measure.active else ""}),
        ]  # fmt: skip
        if matter.handling_department_id is not None:
            handling = await session.get(Department, matter.handling_department_id)
            assert handling is not None
            pages[2][3]["handling_department_code"] = handling.code
    for key, pk, code, form in pages:
        edit = f"/admin/{key}/edit?pk={pk}"
        # The code is the row's name everywhere else: the edit form does not offer it.
        page = await client.get(edit)
        assert page.status_code == 200 and 'name="code"' not in page.text, key
        events = await audit_count(db)
        same = await client.post(edit, data={**form, "csrftoken": await csrf(client, edit)})
        assert same.status_code in (302, 303), key
        assert await audit_count(db) == events, f"{key}: an unchanged save is not a change"
        renamed = {**form, "name": f"{form['name']}（改）", "code": "CHANGED-CODE"}
        saved = await client.post(edit, data={**renamed, "csrftoken": await csrf(client, edit)})
        assert saved.status_code in (302, 303), key
        assert await audit_count(db) == events + 1
        event = await last_audit(db)
        assert event.object_id == code and event.after is not None and event.after["name"] == renamed["name"]
        assert renamed["name"] in await list_page(client, key, q=code)
