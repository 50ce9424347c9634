"""一单两库 and the result categories in the admin pages, over HTTP through the real app: a
department keeps its own lists, maintainers any department's, through the same services."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlmodel import col, select

from models import CheckItem
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, list_page, sign_in, staff_password
from tests.support.api import ok
from tests.support.lists import (
    CATEGORIES,
    CHECK_ITEM,
    CHECK_ITEMS,
    INSPECTOR,
    INSPECTORS,
    check_item,
    csv_file,
    inspector,
)
from tests.support.lists_admin import create, stored

FORM_ITEMS = "1 经营许可证件是否在有效期内\n2：从业人员健康证明\n"
DIRECTORIES = "{ entityDirectories { name entityCount filter { status colours } } }"


async def test_a_department_keeps_its_own_check_items_on_its_page(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    await ok(api, CHECK_ITEM, check_item("XG-01", name="西岗区的事项"), city.tokens["other_district"])
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    form = {"code": "SC-01", "name": "食品经营检查", "legal_basis": "《食品安全法》第一百一十条",
            "form_items": FORM_ITEMS, "active": "on"}  # fmt: skip
    assert stored(await create(client, "check-item", form))
    listed = (await api.data(CHECK_ITEMS, {"d": "SCJG-210202"}, city.tokens["district"]))["checkItems"]
    assert listed == [
        {
            "code": "SC-01",
            "name": "食品经营检查",
            "active": True,
            "department": {"code": "SCJG-210202"},
            "formItems": [
                {"code": "1", "name": "经营许可证件是否在有效期内"},
                {"code": "2", "name": "从业人员健康证明"},
            ],
        }
    ]
    page = await list_page(client, "check-item")
    assert "食品经营检查" in page and "西岗区的事项" not in page
    # Not the other department's item by its address either; a maintainer sees every department's.
    async with db.session(Principal.system()) as session:
        other = await session.scalar(select(col(CheckItem.id)).where(col(CheckItem.code) == "XG-01"))
    for view in ("detail", "edit"):
        hidden = await client.get(f"/admin/check-item/{view}", params={"pk": other})
        assert hidden.status_code == 404 and "西岗区的事项" not in hidden.text, view
    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        every = await list_page(maintainer, "check-item")
        assert "食品经营检查" in every and "西岗区的事项" in every

    # The create form does not overwrite an item of the same code.
    twice = await create(client, "check-item", {**form, "name": "另一个名称"})
    assert not stored(twice) and "抽查事项“SCJG-210202:SC-01”已存在" in twice.text
    # A duplicate form item code is refused beside the field, and nothing is stored.
    bad = {**form, "code": "SC-02", "form_items": "1 甲\n1 乙"}
    refused = await create(client, "check-item", bad)
    assert not stored(refused) and "检查内容代码“1”重复" in refused.text
    assert len((await api.data(CHECK_ITEMS, {"d": "SCJG-210202"}, city.tokens["district"]))["checkItems"]) == 1


async def test_a_maintainer_names_the_department_on_the_check_item_form(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"code": "WJ-01", "name": "公共场所卫生检查", "legal_basis": "《公共场所卫生管理条例》",
            "form_items": "1 卫生许可证"}  # fmt: skip
    refused = await create(client, "check-item", form)
    assert not stored(refused) and "维护人员代部门办理时须填写 departmentCode" in refused.text
    assert stored(await create(client, "check-item", {**form, "department_code": "WJ-210202"}))
    listed = (await api.data(CHECK_ITEMS, {}, city.tokens["district_health"]))["checkItems"]
    assert [(i["department"]["code"], i["code"], i["active"]) for i in listed] == [("WJ-210202", "WJ-01", False)]


async def test_a_department_keeps_its_inspectors_and_their_conflicts_on_its_page(api: Api, city: DemoCity) -> None:
    await ok(api, INSPECTOR, inspector("21020300001", name="西岗检查员"), city.tokens["other_district"])
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    uscc = city.zhongshan[0]
    form = {"certificate_no": "21020200001", "name": "李建国", "valid_from": "2020-01-01", "valid_to": "2021-12-31",
            "active": "on", "username": "scjg-210202", "conflicts": f"{uscc} 配偶任股东\n"}  # fmt: skip
    assert stored(await create(client, "inspector", form))
    [found] = (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"]
    assert found["conflicts"] == [{"uscc": uscc, "reason": "配偶任股东"}] and found["today"] == "EXPIRED"
    page = await list_page(client, "inspector")
    assert "李建国" in page and "已过期" in page and "西岗检查员" not in page

    backwards = {**form, "certificate_no": "21020200002", "valid_from": "2026-01-01", "valid_to": "2025-01-01"}
    refused = await create(client, "inspector", backwards)
    assert not stored(refused) and "有效期止不能早于有效期起" in refused.text
    taken = await create(client, "inspector", {**form, "certificate_no": "21020300001", "username": ""})
    assert not stored(taken) and "已登记在其他部门" in taken.text
    listed = (await api.data(INSPECTORS, {}, city.tokens["maintainer"]))["inspectors"]
    assert [i["certificateNo"] for i in listed] == ["21020200001", "21020300001"]


async def test_the_inspector_import_page_and_its_template(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    assert "inspector-import-link" in await list_page(client, "inspector")
    content = csv_file(
        ("李建国", "", "21020200001", "2024-01-01", "2029-12-31", "是"),
        ("王芳", "", "21020200002", "2024-01-01", "2023-12-31", "是"),
    )
    token = await csrf(client, "/admin/inspector-import")
    files = {"file": ("人员.csv", content, "text/csv")}
    refused = await client.post("/admin/inspector-import", data={"csrftoken": token}, files=files)
    assert refused.status_code == 200 and "整个文件未导入" in refused.text
    assert re.search(r'data-row="3" data-outcome="REJECTED"', refused.text) and "有效期止" in refused.text
    assert (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"] == []

    good = content.replace(b"2023-12-31", b"2028-12-31")
    trial = await client.post(
        "/admin/inspector-import",
        data={"csrftoken": await csrf(client, "/admin/inspector-import"), "dry_run": "1"},
        files={"file": ("人员.csv", good, "text/csv")},
    )
    assert "试运行，未保存" in trial.text
    assert (await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"] == []
    applied = await client.post(
        "/admin/inspector-import",
        data={"csrftoken": await csrf(client, "/admin/inspector-import")},
        files={"file": ("人员.csv", good, "text/csv")},
    )
    assert "已导入：新增 2 行" in applied.text
    assert len((await api.data(INSPECTORS, {}, city.tokens["district"]))["inspectors"]) == 2

    template = await client.get("/admin/inspector-import/template.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["姓名", "部门编码", "执法证号", "有效期起", "有效期止", "在岗"]
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == [
        ("李建国", "SCJG-210202", "21020200001", "是"),
        ("王芳", "SCJG-210202", "21020200002", "是"),
    ]
    csv_template = await client.get("/admin/inspector-import/template.csv")
    # The template sent back as it is changes nothing.
    again = await client.post(
        "/admin/inspector-import",
        data={"csrftoken": await csrf(client, "/admin/inspector-import")},
        files={"file": ("模板.csv", csv_template.content, "text/csv")},
    )
    assert "无变化 2 行" in again.text


async def test_result_categories_page_everyone_reads_maintainers_set(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    page = await client.get("/admin/result-categories")
    assert page.status_code == 200 and "未发现问题" in page.text and "提请登记机关列入经营异常名录" in page.text
    assert "categories-form" not in page.text
    token = await csrf(client, "/admin/result-categories")
    refused = await client.post("/admin/result-categories", data={"csrftoken": token, "code": "X1", "name": "某类"})
    assert refused.status_code == 403

    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        form = await maintainer.get("/admin/result-categories")
        codes = re.findall(r'name="code" value="([^"]*)"', form.text)
        assert codes[:2] == ["NO_PROBLEM", "NOT_DISCLOSED"] and len(codes) == 12
        sent = {"csrftoken": await csrf(maintainer, "/admin/result-categories"),
                "code": ["NO_PROBLEM", "UNREACHABLE", "NO_PROBLEM"], "name": ["未发现问题", "无法联系", "重复"],
                "consequence": ["NONE", "ABNORMAL_LISTING_PROPOSAL", "NONE"]}  # fmt: skip
        duplicate = await maintainer.post("/admin/result-categories", data=sent)
        assert "第 3 行：结果类别代码“NO_PROBLEM”重复" in duplicate.text
        sent = {**sent, "csrftoken": await csrf(maintainer, "/admin/result-categories"),
                "code": sent["code"][:2], "name": sent["name"][:2], "consequence": sent["consequence"][:2]}  # fmt: skip
        done = await maintainer.post("/admin/result-categories", data=sent)
        assert "已建立第 2 版" in done.text
    listed = (await api.data(CATEGORIES, {}, city.tokens["district"]))["resultCategories"]
    assert [(c["version"], c["code"], c["consequence"]) for c in listed] == [
        (2, "NO_PROBLEM", "NONE"),
        (2, "UNREACHABLE", "ABNORMAL_LISTING_PROPOSAL"),
    ]
    older = await client.get("/admin/result-categories", params={"version": "1"})
    assert "已被第 2 版取代" in older.text and "不配合检查情节严重" in older.text


async def test_a_department_keeps_its_entity_directories_on_their_page(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", staff_password(city))
    form = {"name": "中山区红黄码主体", "region_code": "210202", "status": "ACTIVE", "colours": ["YELLOW", "RED"]}
    assert stored(await create(client, "entity-directory", form))
    listed = (await api.data(DIRECTORIES, {}, city.tokens["district"]))["entityDirectories"]
    assert [(d["name"], d["filter"]["colours"], d["filter"]["status"]) for d in listed] == [
        ("中山区红黄码主体", ["YELLOW", "RED"], "ACTIVE")
    ]
    page = await list_page(client, "entity-directory")
    assert "中山区红黄码主体" in page and f">{listed[0]['entityCount']}<" in page.replace(" ", "")
    # A region that does not exist is told beside its field, and nothing is stored.
    refused = await create(client, "entity-directory", {**form, "name": "错的", "region_code": "999999"})
    assert not stored(refused) and "行政区划“999999”不存在" in refused.text
    assert len((await api.data(DIRECTORIES, {}, city.tokens["district"]))["entityDirectories"]) == 1
    # Another department sees none of it.
    other = (await api.data(DIRECTORIES, {}, city.tokens["other_district"]))["entityDirectories"]
    assert other == []
