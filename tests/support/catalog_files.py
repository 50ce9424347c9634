"""监管职责目录 as a file: the header, good and bad rows, and CSV and XLSX files of them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from tests.support import record_files

HEADER = [
    "事项代码", "事项名称", "监管模式", "设定依据", "负责条线", "审批层级", "承接部门",
    "经营范围条目代码", "关键词", "行业代码", "认领时限（工作日）", "生效日期", "失效日期",
]  # fmt: skip


def row(**cells: Any) -> list[Any]:
    """A good new matter; keyword arguments replace cells by header (时限: 认领时限（工作日）)."""
    values: dict[str, Any] = {
        "事项代码": "CW-ZL",
        "事项名称": "动物诊疗许可",
        "监管模式": "审管一体",
        "设定依据": "《中华人民共和国动物防疫法》第六十一条",
        "负责条线": "SCJG",
        "审批层级": "区县级",
        "承接部门": "",
        "经营范围条目代码": "",
        "关键词": "动物诊疗；宠物医院",
        "行业代码": "O8221",
        "认领时限（工作日）": 7,
        "生效日期": "2026-01-01",
        "失效日期": "",
    }
    if "时限" in cells:
        values["认领时限（工作日）"] = cells.pop("时限")
    values.update(cells)
    return [values[h] for h in HEADER]


# Row 2 new; row 3 names a department that does not exist; row 4 changes a demo matter;
# row 5 has a mode that is neither code nor label; row 6 is new, with codes instead of labels.
ROWS = [
    row(),
    row(事项代码="CW-MR", 事项名称="宠物美容卫生监督", 审批层级="市级", 承接部门="NOPE-210200", 关键词="宠物美容"),
    row(事项代码="SP-XS", 事项名称="食品经营许可（食品销售）", 关键词="食品销售；食品经营", 行业代码="",
        设定依据="《中华人民共和国食品安全法》第三十五条", 时限=10),
    row(事项代码="CW-SY", 监管模式="随便管管", 关键词="兽药经营"),
    row(事项代码="YP-PF", 事项名称="药品经营许可（批发）", 监管模式="APPROVAL", 审批层级="CITY", 关键词="药品批发",
        设定依据="《中华人民共和国药品管理法》第五十一条", 行业代码="F5153"),
]  # fmt: skip


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "监管事项"
    sheet.append(header)
    for values in rows:
        # Dates as Excel dates, as a maintainer typing into Excel makes them.
        sheet.append([date.fromisoformat(v) if isinstance(v, str) and v[:2] == "20" and len(v) == 10 else v
                      for v in values])  # fmt: skip
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str, header: list[str] = HEADER) -> Path:
    return record_files.write_csv(path, header, rows, encoding)
