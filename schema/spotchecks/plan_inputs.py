"""双随机's GraphQL inputs: a directory's filter, a plan and its sample."""

from __future__ import annotations

import datetime

import strawberry

from schema.enums import EntityStatus, EntityType, RiskColour, SpotCheckPlanStatus


@strawberry.input(description="对象筛选条件；不填为不限 / A filter over the registry; what is left out is any.")
class DirectoryFilterInput:
    region_code: str | None = strawberry.field(
        default=None, description="行政区划代码 / Region (a city: its districts)."
    )
    industry_prefix: str | None = strawberry.field(
        default=None, description="行业代码前缀，如 H 或 H62 / Industry code prefix (GB/T 4754)."
    )
    entity_type: EntityType | None = strawberry.field(default=None, description="主体类型 / Kind of entity.")
    status: EntityStatus | None = strawberry.field(default=None, description="登记状态 / Registration status.")
    matter_code: str | None = strawberry.field(default=None, description="监管事项代码 / Supervision matter code.")
    colours: list[RiskColour] | None = strawberry.field(default=None, description="风险颜色 / Risk colours.")


@strawberry.input(description="保存检查对象名录库（部门 + 名称唯一）/ Save a department's entity directory by name.")
class UpsertEntityDirectoryInput:
    name: str = strawberry.field(
        description=(
            "名录库名称（同一部门内已有同名的即更新） / "
            "Its name; a directory of that name in the department is updated."
        )
    )
    filter: DirectoryFilterInput = strawberry.field(description="筛选条件 / The filter to save.")
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代为维护的部门 / For maintainers: whose directory."
    )


@strawberry.input(description="某颜色的抽取比例 / One colour's ratio (差异化监管).")
class ColourRatioInput:
    colour: RiskColour = strawberry.field(description="风险颜色 / The risk colour.")
    ratio: str = strawberry.field(description="小数，(0, 1]，如 0.03 / A decimal string in (0, 1].")


@strawberry.input(
    description="抽取方式：count、ratio、colourRatios 三选一 / Exactly one of count, ratio, colourRatios."
)
class SampleInput:
    count: int | None = strawberry.field(default=None, description="抽取数量，至少 1 / How many to draw; at least 1.")
    ratio: str | None = strawberry.field(default=None, description="小数，(0, 1] / A decimal string in (0, 1].")
    colour_ratios: list[ColourRatioInput] | None = strawberry.field(
        default=None,
        description=(
            "各颜色的抽取比例（差异化监管）；未列出的颜色不抽 / Each colour's share; colours not listed are not drawn."
        ),
    )


@strawberry.input(description="联合抽查中某部门每个对象派出的人数 / One department's inspectors per target.")
class DepartmentInspectorsInput:
    department_code: str = strawberry.field(description="计划中的部门代码 / A department of the plan.")
    count: int = strawberry.field(description="至少 1 / At least 1.")


@strawberry.input(description="新建抽查计划（牵头部门为调用方部门）/ A new plan, led by the caller's department.")
class CreateSpotCheckPlanInput:
    name: str = strawberry.field(description="计划名称 / The plan's name.")
    check_item_codes: list[str] = strawberry.field(
        description="牵头及配合部门在用的抽查事项代码 / Active check items of the plan's departments."
    )
    sample: SampleInput = strawberry.field(description="抽取方式 / The sample.")
    period_start: datetime.date = strawberry.field(description="检查期起 / First day of the inspection period.")
    period_end: datetime.date = strawberry.field(
        description="检查期止，不早于起始日 / Last day of the inspection period, not before the first."
    )
    partner_department_codes: list[str] | None = strawberry.field(
        default=None, description="配合部门（部门联合抽查）/ Partner departments of a joint plan."
    )
    directory_id: strawberry.ID | None = strawberry.field(
        default=None, description="本部门的检查对象名录库，与 filter 二选一 / A directory, or `filter`."
    )
    filter: DirectoryFilterInput | None = strawberry.field(
        default=None, description="直接给出的筛选条件，与 directoryId 二选一 / An inline filter, or `directoryId`."
    )
    inspectors_per_target: int | None = strawberry.field(
        default=None, description="非联合抽查：每个对象的检查人员数，至少 2（默认 2）/ Plain plan: at least 2."
    )
    inspectors_per_department: list[DepartmentInspectorsInput] | None = strawberry.field(
        default=None,
        description="联合抽查：各部门每个对象派出人数，每部门至少 1（默认 1）/ Joint plan: per department, each ≥ 1.",
    )
    exclude_checked_within_days: int | None = strawberry.field(
        default=None, description="排除牵头部门 N 天内已录入检查结果的对象 / Leave out entities checked within N days."
    )


@strawberry.input(description="抽查计划筛选 / Which plans.")
class SpotCheckPlanFilter:
    status: SpotCheckPlanStatus | None = strawberry.field(
        default=None, description="计划状态 / Only plans in this state."
    )
