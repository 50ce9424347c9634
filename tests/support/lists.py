"""一单两库 as the tests use them: the documents, and a good check item, inspector and file."""

from __future__ import annotations

from typing import Any

CHECK_ITEM = """
mutation($i: UpsertCheckItemInput!) {
  upsertCheckItem(input: $i) {
    created
    checkItem { code name legalBasis active formItems { code name } department { code } }
    errors { field code message }
  }
}
"""

CHECK_ITEMS = """
query($d: String, $a: Boolean) {
  checkItems(departmentCode: $d, active: $a) { code name active department { code } formItems { code name } }
}
"""

INSPECTOR = """
mutation($i: UpsertInspectorInput!) {
  upsertInspector(input: $i) {
    created
    inspector {
      certificateNo name validFrom validTo active username department { code }
      conflicts { uscc reason }
      certificateStatus certificateValid
    }
    errors { field code message }
  }
}
"""

INSPECTORS = """
query($d: String, $on: Date) {
  inspectors(departmentCode: $d, activeOn: $on) {
    certificateNo name active department { code } conflicts { uscc reason }
    today: certificateStatus
    then: certificateStatus(on: "2020-06-01")
  }
}
"""

IMPORT = """
mutation($file: Upload!, $dry: Boolean) {
  importInspectors(file: $file, dryRun: $dry) {
    report {
      filename dryRun applied summary ignoredColumns
      counts { rows created updated unchanged rejected }
      rows { row outcome certificateNo column code message }
    }
    errors { field code message }
  }
}
"""

CATEGORIES = """
query($v: Int) { resultCategories(version: $v) { version code name consequence position } }
"""

SET_CATEGORIES = """
mutation($i: [ResultCategoryInput!]!) {
  setResultCategories(input: $i) { version categories { version code name consequence } errors { field code message } }
}
"""

IMPORT_HEADER = ("姓名", "部门编码", "执法证号", "有效期起", "有效期止", "在岗")


def check_item(code: str = "SC-001", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": "食品经营者落实食品安全主体责任情况检查",
        "legalBasis": "《中华人民共和国食品安全法》第一百一十条",
        "formItems": [
            {"code": "1", "name": "经营许可证件是否在有效期内"},
            {"code": "2", "name": "从业人员健康证明"},
        ],
    }
    data.update(overrides)
    return data


def inspector(certificate_no: str = "21020200001", **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "certificateNo": certificate_no,
        "name": "李建国",
        "validFrom": "2024-01-01",
        "validTo": "2029-12-31",
    }
    data.update(overrides)
    return data


def csv_file(*rows: tuple[str, ...], header: tuple[str, ...] = IMPORT_HEADER) -> bytes:
    return ("\n".join(",".join(row) for row in (header, *rows)) + "\n").encode("utf-8")
