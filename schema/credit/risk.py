"""四色警示 over GraphQL: an entity's assessment on a day, its colour history, and the
rules' parameters. Internal: never part of what the public sees."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from models.enums import RiskColour
from schema.platform.common import UserError


@strawberry.type(description="评定依据的记录 / A record behind a rule that held.")
class RiskEvidence:
    kind: str = strawberry.field(
        description="PENALTY、COMPLAINT、LISTING、LICENSE 或 REGISTRATION / The kind of record."
    )
    id: strawberry.ID = strawberry.field(description="记录编号 / The record's id.")
    reference: str = strawberry.field(
        description="文号、工单号或许可证编号 / Document number, reference or license number."
    )
    day: datetime.date | None = strawberry.field(name="date", description="决定、受理或列入日期 / Its date.")
    text: str = strawberry.field(description="中文说明 / What it is, in Chinese.")


@strawberry.type(description="成立的规则 / A rule of the colour table that held.")
class RiskReason:
    rule: str = strawberry.field(description="规则代码，如 PENALTIES_RED / The rule's stable code.")
    colour: RiskColour
    description: str = strawberry.field(description="规则的中文说明 / The rule, in Chinese.")
    evidence: list[RiskEvidence]


@strawberry.type(description="四色警示评定 / The risk colour on a day, with every rule that held.")
class RiskAssessment:
    colour: RiskColour
    as_of: datetime.date
    reasons: list[RiskReason]


@strawberry.type(description="颜色变化 / A change of the stored colour.")
class RiskColourChange:
    changed_at: datetime.datetime
    old_colour: RiskColour | None
    new_colour: RiskColour
    reasons: list[str] = strawberry.field(description="当时成立的规则代码 / The rules that held.")
    cause: str = strawberry.field(description="触发原因（如 penalty.created、recompute）/ What re-rated it.")


@strawberry.type(description="四色警示规则参数 / The colour rules' thresholds.")
class RuleParameters:
    window_days: int = strawberry.field(description="统计窗口（天），默认 730 / The window, in days.")
    yellow_penalties: int = strawberry.field(description="黄色：有效处罚次数下限 / Penalties for YELLOW.")
    red_penalties: int = strawberry.field(description="红色：有效处罚次数下限 / Penalties for RED.")
    complaint_count: int = strawberry.field(description="投诉件数下限 / Complaints before the rate counts.")
    red_resolution_rate: Decimal = strawberry.field(description="红色：办结率低于（%）/ RED below this rate, %.")
    yellow_resolution_rate: Decimal = strawberry.field(description="黄色：办结率低于（%）/ YELLOW below this rate, %.")


@strawberry.type
class SetRuleParametersPayload:
    parameters: RuleParameters | None
    errors: list[UserError]
