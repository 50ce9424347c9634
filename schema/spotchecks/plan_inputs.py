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
    entity_type: EntityType | None = None
    status: EntityStatus | None = None
    matter_code: str | None = strawberry.field(default=None, description="监管事项代码 / Supervision matter code.")
    colours: list[RiskColour] | None = strawberry.field(default=None, description="风险颜色 / Risk colours.")


@strawberry.input(description="保存检查对象名录库（部门 + 名称唯一）/ Save a department's entity directory by name.")
class UpsertEntityDirectoryInput:
    name: str
    filter: DirectoryFilterInput
    department_code: str | None = strawberry.field(
        default=None, description="维护人员代为维护的部门 / For maintainers: whose directory."
    )


@strawberry.input(description="某颜色的抽取比例 / One colour's ratio (差异化监管).")
class ColourRatioInput:
    colour: RiskColour
    ratio: str = strawberry.field(description="小数，(0, 1]，如 0.03 / A decimal string in (0, 1].")


@strawberry.input(
    description="抽取方式：count、ratio、colourRatios 三选一 / Exactly one of count, ratio, colourRatios."
)
class SampleInput:
    count: int | None = None
    ratio: str | None = strawberry.field(default=None, description="小数，(0, 1] / A decimal string in (0, 1].")
    colour_ratios: list[ColourRatioInput] | None = None


@strawberry.input(description="联合抽查中某部门每个对象派出的人数 / One department's inspectors per target.")
class DepartmentInspectorsInput:
    department_code: str
    count: int = strawberry.field(description="至少 1 / At least 1.")


@strawberry.input(description="新建抽查计划（牵头部门为调用方部门）/ A new plan, led by the caller's department.")
class CreateSpotCheckPlanInput:
    name: str
    check_item_codes: list[str] = strawberry.field(
        description="牵头及配合部门在用的抽查事项代码 / Active check items of the plan's departments."
    )
    sample: SampleInput
    period_start: datetime.date
    period_end: datetime.date
    partner_department_codes: list[str] | None = strawberry.field(
        default=None, description="配合部门（部门联合抽查）/ Partner departments of a joint plan."
    )
    directory_id: strawberry.ID | None = strawberry.field(
        default=None, description="本部门的检查对象名录库，与 filter 二选一 / A directory, or `filter`."
    )
    filter: DirectoryFilterInput | None = None
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
    status: SpotCheckPlanStatus | None = None
