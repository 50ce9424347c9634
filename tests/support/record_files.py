"""Real 双归集 batch files for the import tests: headers and rows as departments send them."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import openpyxl
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_SHARED_STRINGS,
    ARC_WORKBOOK_RELS,
    CONTYPES_NS,
    PKG_REL_NS,
    REL_NS,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    XML_NS,
)
from sqlmodel import col, select

from models import Department
from models.enums import Role
from services.platform.db import Database
from services.platform.principal import Principal

PENALTY_HEADER = [
    "行政相对人名称", "统一社会信用代码", "法定代表人", "行政处罚决定书文号", "违法行为类型", "违法事实",
    "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号", "处罚决定日期", "公示截止期", "处罚机关", "数据来源单位",
]  # fmt: skip
PENALTY_CODES = [
    "CF_XDR_MC", "CF_XDR_SHXYM", "CF_FRDB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
    "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX", "CF_JDRQ", "CF_GSJZQ", "CF_CFJG", "CF_LYDW",
]  # fmt: skip
LICENSE_HEADER = [
    "行政相对人名称", "统一社会信用代码", "行政许可决定文书名称", "行政许可决定文书号", "许可类别", "许可证书名称",
    "许可编号", "许可内容", "许可决定日期", "有效期自", "有效期至", "许可机关", "数据来源单位",
]  # fmt: skip
LICENSE_CODES = [
    "XK_XDR_MC", "XK_XDR_SHXYM", "XK_XKWS", "XK_WSH", "XK_XKLB", "XK_XKZS", "XK_XKBH", "XK_NR", "XK_JDRQ",
    "XK_YXQZ", "XK_YXQZI", "XK_XKJG", "XK_LYDW",
]  # fmt: skip
COMPLAINT_HEADER = ["工单编号", "统一社会信用代码", "受理日期", "投诉类别", "是否办结", "办结日期", "投诉摘要"]


def penalty_row(uscc: str, **cells: Any) -> list[Any]:
    """A good penalty of 中山区市场监督管理局; keyword arguments replace cells by header
    (文号, 类别, 罚款, 没收, 日期, 来源 for the long ones)."""
    values: dict[str, Any] = {
        "行政相对人名称": "",
        "统一社会信用代码": uscc,
        "法定代表人": "",
        "行政处罚决定书文号": "中市监罚〔2026〕1 号",
        "违法行为类型": "经营超过保质期的食品",
        "违法事实": "当事人在其经营场所销售超过保质期的预包装食品 12 件。",
        "处罚依据": "《中华人民共和国食品安全法》第一百二十四条",
        "处罚类别": "警告；罚款",
        "处罚内容": "警告，罚款人民币伍仟元整",
        "罚款金额（万元）": "0.5",
        "没收违法所得、没收非法财物的金额（万元）": "",
        "暂扣或吊销证照名称及编号": "",
        "处罚决定日期": "2026-03-05",
        "公示截止期": "",
        "处罚机关": "",
        "数据来源单位": "中山区市场监督管理局",
    }
    short = {"文号": "行政处罚决定书文号", "类别": "处罚类别", "罚款": "罚款金额（万元）",
             "没收": "没收违法所得、没收非法财物的金额（万元）", "日期": "处罚决定日期", "来源": "数据来源单位",
             "吊销": "暂扣或吊销证照名称及编号"}  # fmt: skip
    for name, value in cells.items():
        values[short.get(name, name)] = value
    return [values[h] for h in PENALTY_HEADER]


def license_row(uscc: str, **cells: Any) -> list[Any]:
    values: dict[str, Any] = {
        "行政相对人名称": "",
        "统一社会信用代码": uscc,
        "行政许可决定文书名称": "食品经营许可决定书",
        "行政许可决定文书号": "中市监许〔2026〕1 号",
        "许可类别": "普通",
        "许可证书名称": "食品经营许可证",
        "许可编号": "JY22102020000001",
        "许可内容": "预包装食品销售",
        "许可决定日期": "2026/1/5",
        "有效期自": "2026/1/5",
        "有效期至": "2031/1/4",
        "许可机关": "",
        "数据来源单位": "中山区市场监督管理局",
    }
    short = {"文号": "行政许可决定文书号", "类别": "许可类别", "编号": "许可编号", "自": "有效期自", "至": "有效期至",
             "日期": "许可决定日期", "内容": "许可内容", "来源": "数据来源单位"}  # fmt: skip
    for name, value in cells.items():
        values[short.get(name, name)] = value
    return [values[h] for h in LICENSE_HEADER]


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """Dates typed as Excel dates, amounts as numbers, as a clerk's spreadsheet holds them."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for values in rows:
        sheet.append([_typed(value) for value in values])
    book.save(path)
    return path


def write_xlsx_shared_strings(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """As write_xlsx, but with the texts in a shared-strings table (xl/sharedStrings.xml), each
    distinct text once, as Excel and WPS save a workbook: openpyxl writes every text inline."""
    write_xlsx(path, header, rows)
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet_name = "xl/worksheets/sheet1.xml"
    sheet = ElementTree.fromstring(parts[sheet_name])
    strings: dict[str, int] = {}
    for cell in sheet.iter(f"{{{SHEET_MAIN_NS}}}c"):
        inline = cell.find(f"{{{SHEET_MAIN_NS}}}is")
        if cell.get("t") == "inlineStr" and inline is not None:
            text = "".join(inline.itertext())
            cell.remove(inline)
            cell.set("t", "s")
            ElementTree.SubElement(cell, f"{{{SHEET_MAIN_NS}}}v").text = str(strings.setdefault(text, len(strings)))
    table = ElementTree.Element(f"{{{SHEET_MAIN_NS}}}sst", uniqueCount=str(len(strings)))
    for text in strings:
        item = ElementTree.SubElement(ElementTree.SubElement(table, f"{{{SHEET_MAIN_NS}}}si"), f"{{{SHEET_MAIN_NS}}}t")
        item.text = text
        item.set(f"{{{XML_NS}}}space", "preserve")
    types = ElementTree.fromstring(parts[ARC_CONTENT_TYPES])
    ElementTree.SubElement(
        types, f"{{{CONTYPES_NS}}}Override", PartName="/" + ARC_SHARED_STRINGS, ContentType=SHARED_STRINGS
    )
    relations = ElementTree.fromstring(parts[ARC_WORKBOOK_RELS])
    ElementTree.SubElement(
        relations, f"{{{PKG_REL_NS}}}Relationship", Id="rIdStrings", Type=f"{REL_NS}/sharedStrings",
        Target="sharedStrings.xml",
    )  # fmt: skip
    parts[sheet_name] = ElementTree.tostring(sheet, encoding="utf-8", xml_declaration=True)
    parts[ARC_SHARED_STRINGS] = ElementTree.tostring(table, encoding="utf-8", xml_declaration=True)
    parts[ARC_CONTENT_TYPES] = ElementTree.tostring(types, encoding="utf-8", xml_declaration=True)
    parts[ARC_WORKBOOK_RELS] = ElementTree.tostring(relations, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def _typed(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:2] == "20":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # a day that does not exist stays text, as Excel keeps it
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and value.count(".") == 1:
        return float(value)
    return value


async def department_principal(db: Database, code: str) -> Principal:
    """The department's own system, as its API token acts."""
    async with db.session(Principal.system()) as session:
        department = await session.scalar(select(Department).where(col(Department.code) == code))
    assert department is not None
    return Principal.acting_for(Role.DEPARTMENT, department.name, department)


async def graphql_upload(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    file: tuple[str, bytes],
    token: str | None,
    variable: str = "file",
) -> dict[str, Any]:
    """A GraphQL multipart request (the spec strawberry implements): `variables[variable]` is the file."""
    operations = json.dumps({"query": query, "variables": {**variables, variable: None}}, ensure_ascii=False)
    form = {"operations": operations, "map": json.dumps({"0": [f"variables.{variable}"]})}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", data=form, files={"0": (*file, "application/octet-stream")}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def multipart_as_sent(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body whose file name goes out byte for byte, as a browser or curl
    may send it (httpx writes control characters as %00 and the like). Returns the body and
    its Content-Type."""
    boundary = "----jianguan-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
    parts.append(head.encode() + b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def graphql_upload_as_sent(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], file: tuple[str, bytes], token: str
) -> dict[str, Any]:
    """`graphql_upload` with the file's name sent byte for byte."""
    operations = json.dumps({"query": query, "variables": {**variables, "file": None}}, ensure_ascii=False)
    fields = {"operations": operations, "map": json.dumps({"0": ["variables.file"]})}
    body, kind = multipart_as_sent(fields, "0", *file)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": kind}
    response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer
