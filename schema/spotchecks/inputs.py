"""一单两库's and the result categories' GraphQL inputs."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import ResultConsequence

_FOR_MAINTAINERS = "维护人员代为维护的部门；部门只能维护本部门的 / For maintainers: whose list it is."


@strawberry.input(description="结果表的一项检查内容 / One item of a check item's result form.")
class CheckFormItemInput:
    code: str = strawberry.field(description="代码，在本事项内唯一 / Unique within the check item.")
    name: str = strawberry.field(description="检查内容 / What is checked.")


@strawberry.input(description="随机抽查事项 / One kind of check a department may run.")
class UpsertCheckItemInput:
    code: str = strawberry.field(description="事项代码，在本部门内唯一 / Unique within the department.")
    name: str = strawberry.field(description="抽查事项名称 / Name.")
    legal_basis: str = strawberry.field(description="检查依据（法律法规条款）/ The legal basis.")
    form_items: list[CheckFormItemInput] = strawberry.field(
        description="结果表的检查内容，按顺序，至少一项 / The items of the result form, in order; at least one."
    )
    active: bool = strawberry.field(default=True, description="在用 / In use; inactive items stay listed.")
    department_code: str | None = strawberry.field(default=None, description=_FOR_MAINTAINERS)


@strawberry.input(description="回避声明 / A declared conflict of interest with an entity.")
class InspectorConflictInput:
    uscc: str = strawberry.field(description="须回避的主体 / The entity the inspector is never sent to.")
    reason: str | None = strawberry.field(default=None, description="回避理由 / Why.")


@strawberry.input(description="执法检查人员 / A law-enforcement officer and their certificate.")
class UpsertInspectorInput:
    certificate_no: str = strawberry.field(description="执法证号，全市唯一 / Certificate number, unique city-wide.")
    name: str = strawberry.field(description="姓名 / Name.")
    valid_from: datetime.date = strawberry.field(description="执法证有效期起 / Certificate valid from.")
    valid_to: datetime.date = strawberry.field(
        description="执法证有效期止，不早于起日 / Certificate valid to; not before validFrom."
    )
    active: bool = strawberry.field(default=True, description="在岗 / On duty; only active inspectors are drawn.")
    username: str | None = strawberry.field(
        default=None,
        description=(
            "关联的管理后台用户（本部门用户）；不填保持原值，空字符串取消关联 / "
            'The admin user who signs in as this inspector (same department); null keeps it, "" unlinks.'
        ),
    )
    conflicts: list[InspectorConflictInput] | None = strawberry.field(
        default=None,
        description=(
            "回避主体的完整清单（整体替换）；不填保持原值 / The whole list of declared conflicts, replacing the "
            "stored one; null keeps it."
        ),
    )
    department_code: str | None = strawberry.field(default=None, description=_FOR_MAINTAINERS)


@strawberry.input(description="检查结果类别 / One result category of a new version.")
class ResultCategoryInput:
    code: str = strawberry.field(description="代码（大写字母、数字、下划线）/ Code, e.g. NO_PROBLEM.")
    name: str = strawberry.field(description="名称 / Name, e.g. 未发现问题.")
    consequence: ResultConsequence = strawberry.field(
        default=ResultConsequence.NONE, description="后果 / What the category sets in motion."
    )
