"""导出全部 on the admin's list pages: the whole filtered result (not the page), as CSV and XLSX
files a person opens in Excel: Chinese labels, Beijing time, JSON, a dated Chinese file name, only
the rows the user's own list shows, and one audit event per file."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import anyio.lowlevel
import httpx
import openpyxl
import pytest
from sqlmodel import col, func, select

import admin_ui.export
from models import AuditEvent, MarketEntity
from models.enums import EntityStatus, EntityType, RiskColour
from services.platform.clock import SHANGHAI
from services.platform.db import Database
from services.platform.labels import label
from services.platform.principal import Principal
from services.platform.settings import Settings
from tests.conftest import Api, DemoCity, make_client
from tests.support.admin import csrf, list_page, sign_in, staff_password
from tests.support.api import ok
from tests.support.lists import INSPECTOR, inspector

GREEN = 'risk_colour__eq="GREEN"'


async def export(client: httpx.AsyncClient, key: str, file_format: str, **list_query: str) -> httpx.Response:
    """Press 导出全部 on the list page at /admin/{key}/list?{list_query}, as the page's script does."""
    query = str(httpx.QueryParams(list_query))
    token = await csrf(client, f"/admin/{key}/list?{query}")
    return await client.post(
        f"/admin/_api/{key}/action",
        params={"name": "export", "_list_query": f"?{query}", "_origin": f"http://testserver/admin/{key}/list"},
        data={"format": file_format, "csrftoken": token},
        headers={"X-CSRFToken": token},
    )


def table(response: httpx.Response, file_format: str) -> list[dict[str, Any]]:
    """The rows of an exported file, keyed by its (Chinese) headings."""
    assert response.status_code == 200, response.text[:1000]
    if file_format == "csv":
        assert response.content.startswith("\ufeff".encode()), "a BOM, so Excel reads the Chinese as UTF-8"
        assert "content-length" not in response.headers, "streamed, not built whole"
        rows: list[list[Any]] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        rows = [["" if v is None else v for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def file_name(response: httpx.Response) -> tuple[str, str]:
    """(the UTF-8 name, the ASCII fallback) of a download."""
    disposition = response.headers["content-disposition"]
    utf8 = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    ascii_name = re.search(r'filename="([^"]+)"', disposition)
    assert utf8 and ascii_name, disposition
    assert ascii_name.group(1).isascii()
    return utf8.group(1), ascii_name.group(1)


def dated(name: str, extension: str) -> set[str]:
    """The name with today's Beijing date (or yesterday's, should the day turn during the test)."""
    now = datetime.now(SHANGHAI)
    return {f"{name}-{day:%Y%m%d}.{extension}" for day in (now, now - timedelta(minutes=5))}


def beijing(moment: datetime) -> datetime:
    """A stored UTC time, plus eight hours, as a wall clock in Beijing reads it."""
    return moment.replace(tzinfo=None) + timedelta(hours=8)


async def green_entities(db: Database) -> tuple[dict[str, MarketEntity], int]:
    """The green entities of the registry, and how many entities it holds in all."""
    async with db.session(Principal.system()) as session:
        rows = await session.scalars(select(MarketEntity).where(col(MarketEntity.risk_colour) == RiskColour.GREEN))
        total = await session.scalar(select(func.count()).select_from(MarketEntity))
        return {row.uscc: row for row in rows}, total or 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
async def test_the_registry_exports_the_whole_filtered_list_in_chinese(
    api: Api, city: DemoCity, db: Database, file_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few rows a chunk: the file is written as the rows are read, several chunks of them.
    monkeypatch.setattr(admin_ui.export, "CHUNK", 7)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    stored, total = await green_entities(db)
    assert 25 < len(stored) < total, "more than one page of the list, and not the whole registry"
    response = await export(client, "market-entity", file_format, filter=GREEN, sort="name__desc")
    rows = table(response, file_format)

    assert len(rows) == len(stored)
    assert {row["统一社会信用代码"] for row in rows} == set(stored)
    # In the list's order: its first page is the file's first rows.
    first_page = await list_page(client, "market-entity", filter=GREEN, sort="name__desc", page_size=25)
    shown = list(dict.fromkeys(u for u in re.findall(r"\b[0-9A-Z]{18}\b", first_page) if u in stored))
    assert [row["统一社会信用代码"] for row in rows[: len(shown)]] == shown and len(shown) == 25
    for row in rows:
        entity = stored[row["统一社会信用代码"]]
        assert row["名称"] == entity.name
        assert row["类型"] == label(EntityType(entity.entity_type))
        assert row["状态"] == label(EntityStatus(entity.status))
        assert row["四色警示"] == label(RiskColour(entity.risk_colour))
        changed = row["最近变更"]
        expected = beijing(entity.updated_at)
        if file_format == "csv":
            assert changed == expected.strftime("%Y-%m-%d %H:%M:%S")
        else:
            # A spreadsheet keeps the time to the millisecond.
            assert isinstance(changed, datetime) and abs(changed - expected) < timedelta(milliseconds=1)
    assert {row["状态"] for row in rows} <= {label(s) for s in EntityStatus}
    assert label(EntityType.COMPANY) == "公司" and "公司" in {row["类型"] for row in rows}
    assert {row["四色警示"] for row in rows} == {"绿色"}
    assert not {"COMPANY", "ACTIVE", "YELLOW", "GREEN"} & {v for row in rows for v in row.values()}

    utf8, fallback = file_name(response)
    assert utf8 in {quote(name) for name in dated("市场主体", file_format)}
    assert fallback in dated("market-entity", file_format)

    # Who took which rows, with which filter, is in the audit log.
    async with db.session(Principal.system()) as session:
        event = (
            await session.scalars(
                select(AuditEvent).where(col(AuditEvent.action) == "list.exported").order_by(col(AuditEvent.id).desc())
            )
        ).first()
    assert event is not None and event.actor == "admin" and event.object_type == "MarketEntity"
    assert event.after is not None
    assert event.after["rows"] == len(stored) and event.after["format"] == file_format
    assert "GREEN" in event.after["query"] and event.after["list"] == "市场主体"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
async def test_the_audit_log_exports_before_and_after_as_json(
    api: Api, city: DemoCity, db: Database, file_format: str
) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    response = await export(client, "audit-event", file_format, q="token.created")
    rows = table(response, file_format)
    assert len(rows) == len(city.report.tokens) > 0
    async with db.session(Principal.system()) as session:
        ids = [int(row["序号"]) for row in rows]
        stored = {e.id: e for e in await session.scalars(select(AuditEvent).where(col(AuditEvent.id).in_(ids)))}
    assert ids == sorted(ids, reverse=True), "newest first, as the list"
    names = set()
    for row in rows:
        # Actions and object types as the log's page names them (services.platform.audit_labels).
        assert row["操作"] == "新建 API 令牌" and row["对象类型"] == "API 令牌"
        assert row["类型"] in {"系统", "目录维护人员", "部门用户"}
        after = json.loads(row["变更后"])
        assert isinstance(after, dict)
        names.add(after["name"])
        assert row["变更前"] == "" or isinstance(json.loads(row["变更前"]), dict)
        assert after == stored[int(row["序号"])].after
        when = beijing(stored[int(row["序号"])].occurred_at)
        if file_format == "csv":
            assert row["时间"] == when.strftime("%Y-%m-%d %H:%M:%S")
        else:
            assert abs(row["时间"] - when) < timedelta(milliseconds=1)
    # Chinese as it is, not \u escapes.
    assert "中山区市场监督管理局" in names
    assert "\\u" not in "".join(row["变更后"] for row in rows)
    utf8, _ = file_name(response)
    assert utf8 in {quote(name) for name in dated("审计日志", file_format)}


async def test_a_district_departments_export_holds_only_its_own_rows(
    api: Api, city: DemoCity, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin_ui.export, "CHUNK", 3)
    mine = {f"2102020000{n}" for n in range(1, 8)}
    for number in sorted(mine):
        await ok(api, INSPECTOR, inspector(number, name="中山检查员"), city.tokens["district"])
    for number in ("21020300001", "21020300002"):
        await ok(api, INSPECTOR, inspector(number, name="西岗检查员"), city.tokens["other_district"])
    code = "SCJG-210202"
    client = api.client
    await sign_in(client, code.lower(), staff_password(city))
    for file_format in ("csv", "xlsx"):
        rows = table(await export(client, "inspector", file_format), file_format)
        assert {row["执法证号"] for row in rows} == mine
        assert {row["部门编码"] for row in rows} == {code}
    # The same export by a maintainer holds both districts' inspectors.
    async with make_client(settings, db) as maintainer:
        await sign_in(maintainer, "admin", city.report.logins[0].password)
        rows = table(await export(maintainer, "inspector", "csv"), "csv")
    assert {row["部门编码"] for row in rows} == {code, "SCJG-210203"} and len(rows) == len(mine) + 2


async def test_a_filter_that_matches_nothing_exports_the_headings(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    for file_format in ("csv", "xlsx"):
        response = await export(client, "market-entity", file_format, q="没有这样的名称")
        assert table(response, file_format) == []
        assert "统一社会信用代码".encode() in response.content or file_format == "xlsx"


async def test_every_list_that_exports_exports_its_whole_result_the_same_way(
    api: Api, city: DemoCity, settings: Settings, db: Database
) -> None:
    from starlette_admin.views import BaseModelView

    from admin_ui import build_admin
    from admin_ui.base import ServiceView

    views = [v for v in build_admin(db, settings)._views if isinstance(v, BaseModelView) and v.exporters]
    assert {"market-entity", "audit-event", "inspector", "user", "department"} <= {v.key for v in views}
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    for view in views:
        # By construction: the base view's handler, not starlette-admin's page or selection export.
        assert getattr(view._actions_handlers["export"], "__func__", None) is ServiceView.export_action, view.key
        page = await list_page(client, str(view.key))
        assert 'data-sa-name="export"' in page and "导出全部" in page, view.key
        rows = table(await export(client, str(view.key), "csv"), "csv")
        labels = [f.label for f in view.fields if not f.exclude_from_export]
        assert rows == [] or list(rows[0]) == labels, view.key


def test_a_text_longer_than_an_excel_cell_is_cut_and_says_so(tmp_path: Path) -> None:
    from services.platform.sheets import XLSX_CELL_LIMIT, XlsxWriter

    writer = XlsxWriter("审计日志", ["变更后"])
    writer.write([json.dumps({"rows": ["数据"] * 20_000}, ensure_ascii=False)])
    writer.write(["短"])
    writer.save(str(tmp_path / "长.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "长.xlsx", read_only=True)
    long, short = (row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert isinstance(long, str) and len(long) == XLSX_CELL_LIMIT and long.endswith("完整内容请导出 CSV）")
    assert short == "短"


async def test_an_export_without_a_known_format_goes_back_to_the_list_and_says_why(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    refused = await export(client, "market-entity", "pdf", filter=GREEN)
    assert refused.status_code == 303 and "/admin/market-entity/list" in refused.headers["location"]
    assert "请选择导出格式" in (await client.get(refused.headers["location"])).text


async def first_chunk_then_gone(client: httpx.AsyncClient, request: httpx.Request) -> bytes:
    """Send `request` to the app as a browser that goes away once the first part of the body
    arrives (httpx's ASGI transport would wait for the whole body): the app is told the client
    disconnected, as a server tells it."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    body = request.read()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
        "scheme": "http", "path": request.url.path, "raw_path": request.url.raw_path.split(b"?")[0],
        "query_string": request.url.query, "root_path": "", "client": ("127.0.0.1", 1),
        "server": ("testserver", 80), "headers": [(k.lower(), v) for k, v in request.headers.raw],
    }  # fmt: skip
    chunks: list[bytes] = []
    arrived = anyio.Event()
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}
        await arrived.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200
        elif message["type"] == "http.response.body" and message.get("body"):
            chunks.append(message["body"])
            arrived.set()
            await anyio.lowlevel.checkpoint()

    with anyio.fail_after(30):
        await transport.app(scope, receive, send)
    return chunks[0]


async def test_a_csv_download_cut_off_after_its_first_rows_is_audited_all_the_same(
    api: Api, city: DemoCity, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever takes a file is in the audit log even when the download stops early: the event
    is written before the first byte, with the rows the filter selects."""
    monkeypatch.setattr(admin_ui.export, "CHUNK", 7)
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    stored, _ = await green_entities(db)
    query = str(httpx.QueryParams({"filter": GREEN}))
    token = await csrf(client, f"/admin/market-entity/list?{query}")
    request = client.build_request(
        "POST",
        "/admin/_api/market-entity/action",
        params={"name": "export", "_list_query": f"?{query}", "_origin": "http://testserver/admin/market-entity/list"},
        data={"format": "csv", "csrftoken": token},
        headers={"X-CSRFToken": token},
    )
    first = await first_chunk_then_gone(client, request)
    assert "统一社会信用代码" in first.decode("utf-8-sig")
    async with db.session(Principal.system()) as session:
        event = (
            await session.scalars(
                select(AuditEvent).where(col(AuditEvent.action) == "list.exported").order_by(col(AuditEvent.id).desc())
            )
        ).first()
    assert event is not None and event.actor == "admin" and event.after is not None
    assert event.after["rows"] == len(stored) and event.after["format"] == "csv"
