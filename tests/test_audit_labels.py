"""The audit log in Chinese: every action and object type the code writes has a label, and
the admin page shows labels and named actors, the codes only beneath."""

from __future__ import annotations

import re

from sqlmodel import SQLModel

from services.platform.audit_labels import ACTIONS, OBJECT_TYPES, actor_label
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, list_page, sign_in
from tests.support.audit_actions import written_by_the_code


def test_every_action_the_code_writes_has_a_chinese_label() -> None:
    found = written_by_the_code()
    assert not found.unresolved, f"cannot tell which actions these write: {found.unresolved}"
    # The reader follows built actions to their values, not only literals.
    for built in ("penalty.imported", "penalty.withdrawn", "notice.认领", "region.upserted",
                  "spot_check_plan.in_progress", "user.signed_in", "user.sign_in_failed", "user.locked",
                  "user.signed_out", "user.password_changed", "user.unlocked"):  # fmt: skip
        assert built in found.actions, built
    missing = {action: sorted(where) for action, where in found.actions.items() if action not in ACTIONS}
    assert not missing, f"actions without a Chinese label in services/platform/audit_labels.py: {missing}"
    for label in ACTIONS.values():
        assert re.search(r"[\u4e00-\u9fff]", label), label


def test_every_object_type_has_a_chinese_label() -> None:
    found = written_by_the_code()
    # Upserts and batch files name the model they wrote: every table is a possible object type.
    tables = {mapper.class_.__name__ for mapper in SQLModel._sa_registry.mappers}
    missing = sorted((set(found.object_types) | tables) - set(OBJECT_TYPES))
    assert not missing, f"object types without a Chinese label in services/platform/audit_labels.py: {missing}"
    assert {"MarketEntity", "ApiToken", "Registry", "Calendar"} <= set(found.object_types) | tables


async def test_the_audit_log_page_speaks_chinese_and_names_its_actors(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    token = await csrf(client, "/admin/department/create")
    form = {"code": "LATE-210202", "name": "后来局", "level": "DISTRICT", "region_code": "210202", "csrftoken": token}
    assert (await client.post("/admin/department/create", data=form)).status_code in (302, 303)
    page = await list_page(client, "audit-event")
    row = next(r for r in re.findall(r"<tr data-sa-pk.*?</tr>", page, re.S) if "LATE-210202" in r)
    cells = {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
             for name, text in re.findall(r'<td data-column="(\w+)"[^>]*>(.*?)</td>', row, re.S)}  # fmt: skip
    # The label first; the stored code beneath it, small, for developers and the filters.
    assert cells["action"] == "保存部门 department.upserted"
    assert cells["object_type"] == "部门 Department"
    assert cells["actor"] == "演示维护人员（admin） · 大连市市场监督管理局 admin"
    assert 'class="d-block text-secondary font-monospace coded-raw">department.upserted<' in row
    pk = re.search(r'data-sa-pk="(\d+)"', row)
    assert pk is not None
    detail = (await client.get("/admin/audit-event/detail", params={"pk": pk.group(1)})).text
    assert "保存部门" in detail and "department.upserted" in detail and "演示维护人员（admin）" in detail
    # Signing in was audited too, and reads in Chinese.
    signed_in = next(r for r in re.findall(r"<tr data-sa-pk.*?</tr>", page, re.S) if "user.signed_in" in r)
    assert ">登录<" in signed_in
    # The demo's system jobs and the command line are named as people call them.
    everything = await list_page(client, "audit-event", page_size=100, filter='actor__eq="seed-demo"')
    assert "命令行（生成演示数据）" in everything and "生成演示数据" in everything
    # The search box finds an event by its Chinese label as well as by its code.
    assert "LATE-210202" in await list_page(client, "audit-event", q="保存部门")
    assert "LATE-210202" in await list_page(client, "audit-event", q="department.upserted")
    assert "LATE-210202" not in await list_page(client, "audit-event", q="吊销 API 令牌")
    # The filters still match the stored codes.
    assert "LATE-210202" in await list_page(client, "audit-event", filter='action__eq="department.upserted"')


async def test_actors_are_named_as_people_know_them(db: Database, city: DemoCity) -> None:
    async with db.session(Principal.system()) as session:

        async def named(actor: str, kind: str, department: str | None = None) -> str:
            return (await actor_label(session, actor, kind, department)).label

        assert await named("cli", "SYSTEM") == "命令行"
        assert await named("manage.py import", "DEPARTMENT", "SCJG-210202") == "命令行（导入文件）"
        assert await named("run-jobs", "SYSTEM") == "系统任务（定时任务）"
        assert await named("some-new-job", "SYSTEM") == "系统任务（some-new-job）"
        assert await named("admin", "MAINTAINER", "SCJG-210200") == "演示维护人员（admin） · 大连市市场监督管理局"
        assert await named("scjg-210202", "DEPARTMENT", "SCJG-210202") == "中山区市场监督管理局（scjg-210202）"
        # The demo's maintainer token shares the maintainer's display name: by name, it is the token.
        assert (
            await named("演示维护人员", "MAINTAINER", "SCJG-210200") == "API 令牌“演示维护人员” · 大连市市场监督管理局"
        )
