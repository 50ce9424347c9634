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
    colour: RiskColour = strawberry.field(description="该规则对应的颜色 / The colour this rule gives.")
    description: str = strawberry.field(description="规则的中文说明 / The rule, in Chinese.")
    evidence: list[RiskEvidence] = strawberry.field(description="依据的记录 / The records that make it hold.")


@strawberry.type(description="四色警示评定 / The risk colour on a day, with every rule that held.")
class RiskAssessment:
    colour: RiskColour = strawberry.field(
        description="评定颜色（成立规则中最严重的）/ The colour: the most severe of the rules that held."
    )
    as_of: datetime.date = strawberry.field(description="评定日期 / The day it was assessed for.")
    reasons: list[RiskReason] = strawberry.field(description="成立的全部规则 / Every rule that held.")


@strawberry.type(description="颜色变化 / A change of the stored colour.")
class RiskColourChange:
    changed_at: datetime.datetime = strawberry.field(
        description="变化时间（UTC）/ When the stored colour changed (UTC)."
    )
    old_colour: RiskColour | None = strawberry.field(
        description="原颜色（首次评定时为空）/ The colour before; null at the first rating."
    )
    new_colour: RiskColour = strawberry.field(description="新颜色 / The colour after.")
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


@strawberry.type(description="设置四色警示参数的结果 / The answer to setRuleParameters.")
class SetRuleParametersPayload:
    parameters: RuleParameters | None = strawberry.field(
        description="生效的参数（有错误时为空）/ The thresholds now in force; null on errors."
    )
    errors: list[UserError] = strawberry.field(
        description=(
            "错误；为空即成功，否则未保存任何内容 / Expected failures; empty on success, else nothing was stored."
        )
    )
