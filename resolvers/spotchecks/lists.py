"""一单两库 and the result categories over GraphQL: check items, inspectors, result categories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import strawberry

from models import CheckItem, Department, ResultCategory
from models.enums import CertificateStatus
from resolvers.platform.context import GqlInfo
from services.platform.clock import today
from services.platform.sheet_import import ImportReport
from services.platform.sheet_rows import RowOutcome
from services.spotchecks import check_items, inspectors, result_categories
from services.spotchecks.check_items import FormItemInput
from services.spotchecks.inspectors import InspectorView


async def check_item_list(
    info: GqlInfo,
    department_code: Annotated[
        str | None, strawberry.argument(description="只列此部门的事项 / Only this department's items.")
    ] = None,
    active: Annotated[
        bool | None, strawberry.argument(description="只列在用（或停用）的事项 / Only items in use (or retired).")
    ] = None,
) -> list[CheckItem]:
    async with info.context.session() as session:
        return await check_items.list_check_items(session, department_code, active)


async def inspector_list(
    info: GqlInfo,
    department_code: Annotated[
        str | None, strawberry.argument(description="只列此部门的检查人员 / Only this department's inspectors.")
    ] = None,
    active_on: Annotated[
        date | None,
        strawberry.argument(
            description="只列当日可派的（在岗且执法证有效）/ Only those eligible that day: on duty, certificate valid."
        ),
    ] = None,
) -> list[InspectorView]:
    async with info.context.session() as session:
        return await inspectors.list_inspectors(session, department_code, active_on)


async def result_category_list(
    info: GqlInfo,
    version: Annotated[
        int | None,
        strawberry.argument(
            description="类别表版本；不填为现行（最新）版本 / The table version; the one in force (newest) when absent."
        ),
    ] = None,
) -> list[ResultCategory]:
    async with info.context.session() as session:
        return await result_categories.list_categories(session, version)


def form_items(root: CheckItem) -> list[FormItemInput]:
    return [FormItemInput(str(item["code"]), str(item["name"])) for item in root.form_items]


async def check_item_department(root: CheckItem, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


async def inspector_department(root: InspectorView, info: GqlInfo) -> Department | None:
    return await info.context.loaders.department_by_id.load(root.department_id)


def certificate_status(
    root: InspectorView,
    on: Annotated[
        date | None, strawberry.argument(description="哪一天；默认今天 / The day; today when absent.")
    ] = None,
) -> CertificateStatus:
    return inspectors.certificate_status(root.valid_from, root.valid_to, on or today())


def certificate_valid(
    root: InspectorView,
    on: Annotated[
        date | None, strawberry.argument(description="哪一天；默认今天 / The day; today when absent.")
    ] = None,
) -> bool:
    return certificate_status(root, on) is CertificateStatus.VALID


@dataclass(frozen=True)
class ImportLine:
    row: int
    outcome: RowOutcome
    certificate_no: str
    column: str | None = None
    code: str | None = None
    message: str | None = None


def import_lines(root: ImportReport) -> list[ImportLine]:
    """One line per row, or per problem of a refused row."""
    lines: list[ImportLine] = []
    for result in root.rows:
        if not result.problems:
            lines.append(ImportLine(result.row, result.outcome, result.code))
        for problem in result.problems:
            column = problem.column or None
            lines.append(ImportLine(result.row, result.outcome, result.code, column, problem.code, problem.message))
    return lines


@dataclass(frozen=True)
class ImportCounts:
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


def import_counts(root: ImportReport) -> ImportCounts:
    return ImportCounts(
        len(root.rows),
        root.count(RowOutcome.CREATED),
        root.count(RowOutcome.UPDATED),
        root.count(RowOutcome.UNCHANGED),
        root.count(RowOutcome.REJECTED),
    )
