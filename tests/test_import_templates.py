"""Import templates on the import pages: CSV and XLSX, Chinese headers, one example row, and the
downloaded file uploaded back as it is imports its example cleanly."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest

from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in

RECORDS = "/admin/record-import"
CATALOG = "/admin/supervision-matter-import"
REQUIRED = {
    "license": ["统一社会信用代码*", "行政许可决定文书名称*", "行政许可决定文书号*", "许可类别*"],
    "penalty": ["统一社会信用代码*", "行政处罚决定书文号*", "违法行为类型*", "处罚类别*"],
    "complaint": ["工单编号*", "统一社会信用代码*", "受理日期*", "投诉类别*"],
}


def _read(content: bytes, extension: str) -> list[list[str]]:
    if extension == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _filename(disposition: str) -> str:
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    assert match, disposition
    return unquote(match.group(1))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
async def test_each_record_template_imports_its_example_row(api: Api, city: DemoCity, extension: str) -> None:
    client = api.client
    await sign_in(client, "scjg-210202", city.report.logins[1].password)
    page = (await client.get(RECORDS)).text
    for kind, required in REQUIRED.items():
        assert f'id="template-{kind}-{extension}"' in page
        download = await client.get(f"{RECORDS}/template/{kind}.{extension}")
        assert download.status_code == 200
        assert re.fullmatch(r".+导入模板-\d{8}\." + extension, _filename(download.headers["content-disposition"]))
        header, *rows = _read(download.content, extension)
        assert all(name in header for name in required), header
        assert all(re.search(r"[\u4e00-\u9fff]", name) for name in header), "every header in Chinese"
        assert len(rows) == 1, "one example row"
        example = dict(zip(header, rows[0], strict=True))
        assert example["统一社会信用代码*"].startswith("91") or example["统一社会信用代码*"].startswith("92")

        files = {"file": (f"模板.{extension}", download.content, "application/octet-stream")}
        form = {"kind": kind, "policy": "all", "csrftoken": await csrf(client, RECORDS)}
        imported = await client.post(RECORDS, data=form, files=files)
        assert imported.status_code == 200
        assert 'data-outcome="CREATED">新增 1 行' in imported.text, (
            kind,
            re.findall(r"table-danger.*?</tr>", imported.text, re.S),
        )
        assert 'data-outcome="REJECTED">拒绝 0 行' in imported.text and 'id="file-rejected"' not in imported.text


async def test_a_maintainer_s_record_template_and_the_catalog_template(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    # A maintainer's example names no source department: it imports for the department named on the page.
    download = await client.get(f"{RECORDS}/template/license.xlsx")
    header, example = _read(download.content, "xlsx")
    assert dict(zip(header, example, strict=True))["数据来源单位"] == ""
    assert (await client.get(f"{RECORDS}/template/nothing.csv")).status_code == 404

    page = (await client.get(CATALOG)).text
    assert 'id="template-csv"' in page and 'id="template-xlsx"' in page
    for extension, created in (("csv", "新增 1 行"), ("xlsx", "无变化 1 行")):
        download = await client.get(f"{CATALOG}/template.{extension}")
        assert _filename(download.headers["content-disposition"]).startswith("监管职责目录导入模板-")
        header, *rows = _read(download.content, extension)
        assert header[:3] == ["事项代码*", "事项名称*", "监管模式*"] and len(rows) == 1
        files = {"file": (f"目录模板.{extension}", download.content, "application/octet-stream")}
        imported = await client.post(CATALOG, data={"csrftoken": await csrf(client, CATALOG)}, files=files)
        # The first import adds the example matter; the same example again changes nothing.
        said = re.findall(
            r"data-outcome=\"[A-Z]+\">[^<]*<|import-refused\">[^<]*<|table-danger.*?</tr>", imported.text, re.S
        )
        assert f">{created}<" in imported.text and ">拒绝 0 行<" in imported.text, said
