"""绩效考核 over GraphQL: one department's measures over a period (services.analysis.performance,
where each measure is defined). Rates are percentages, null when nothing is counted under them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from schema.registry.types import Department

_RATE = "（%，分母为 0 时为 null）/ percent; null when the denominator is 0"
_TO_CLAIM = (
    "应认领 = 收到 − 已转交 − 已退回 − 未认领且认领期限未过（截至今天）/ the denominator is the notices that were"
    " its to claim by today: received, less those forwarded or returned, less those still unclaimed whose"
    " deadline is today or later"
)
_MEDIAN = "（工作日，无数据时为 null）/ working days from the calendar; null when there is none"


@strawberry.type(
    description="双告知的考核指标：推送给本部门的告知；从待认领池认领的另计（claimedFromPool），反馈除外不计入其他各项"
    " / Registration notices pushed to the department in the period. Claims from the open pool were never pushed"
    " to it: they count in claimedFromPool and in the feedback, in none of the others."
)
class NoticePerformance:
    received: int = strawberry.field(
        description="收到的告知（含转交来的，不含从待认领池认领的）/ Notices pushed to it in the period, forwarded-in"
        " ones included, claims from the open pool not."
    )
    claimed: int = strawberry.field(description="已认领 / Of those, claimed.")
    claimed_rate: Decimal | None = strawberry.field(description=f"认领率 = 已认领 / 应认领{_RATE}; {_TO_CLAIM}.")
    claimed_in_time: int = strawberry.field(
        description="按期认领（认领日不晚于认领期限）/ Claimed on or before the deadline (Beijing date)."
    )
    claimed_in_time_rate: Decimal | None = strawberry.field(
        description=f"按期认领率 = 按期认领 / 应认领{_RATE}; {_TO_CLAIM}."
    )
    median_claim_days: Decimal | None = strawberry.field(
        description=f"认领用时中位数：推送日之后至认领日的工作日数{_MEDIAN}."
    )
    forwarded: int = strawberry.field(description="已转交 / Forwarded to another department.")
    returned: int = strawberry.field(description="已退回 / Returned as not its matter.")
    overdue: int = strawberry.field(description="逾期未认领（截至今天）/ Still unclaimed today, past the deadline.")
    claimed_from_pool: int = strawberry.field(
        description="从待认领池认领（期间内认领的）/ Claimed from the open pool in the period: never pushed to it, so"
        " in none of the measures above."
    )
    feedback_given: int = strawberry.field(
        description="已反馈：已认领的和从待认领池认领的告知中已反馈的 / Fed back (双反馈): of the notices claimed and"
        " those claimed from the open pool (feedback on either is the same work)."
    )
    feedback_rate: Decimal | None = strawberry.field(
        description=f"反馈率 = 已反馈 / （已认领 + 从待认领池认领）{_RATE}; over the notices claimed and those claimed"
        " from the open pool alike."
    )
    to_claim: int = strawberry.field(
        description=f"应认领：认领率、按期认领率的分母 / The claim rates' denominator; {_TO_CLAIM}."
    )
    feedback_due: int = strawberry.field(
        description="应反馈 = 已认领 + 从待认领池认领：反馈率的分母 / The feedback rate's denominator: claimed,"
        " and claimed from the open pool."
    )


@strawberry.type(description="双随机、一公开的考核指标 / Random spot checks.")
class SpotCheckPerformance:
    plans_run: int = strawberry.field(
        description="期间内完成抽取的计划（牵头或参与）/ Plans it leads or joins, drawn in the period."
    )
    tasks_due: int = strawberry.field(
        description="期间内到期的检查任务：到期日已过（早于今天）或已录入结果的，已替补的除外 / Its tasks due in the"
        " period whose due date has passed (before today) or whose result is recorded, replaced ones excepted."
    )
    tasks_done_by_due: int = strawberry.field(
        description="到期前录入结果的任务 / Of those, the result recorded on or before the due date."
    )
    tasks_done_rate: Decimal | None = strawberry.field(description=f"按期完成率 = 按期完成 / 到期任务{_RATE}.")
    results_recorded: int = strawberry.field(description="期间内录入的检查结果 / Results recorded in the period.")
    results_published_in_time: int = strawberry.field(
        description="20 个工作日内公示的 / Of those, published within 20 working days of recording."
    )
    results_published_rate: Decimal | None = strawberry.field(
        description=f"按期公示率 = 按期公示 / 已公示或公示期限已过（早于今天）的结果{_RATE}; in time over the recorded"
        " results published already or past their publishing deadline."
    )
    results_to_publish: int = strawberry.field(
        description="应公示：期间内录入、已公示或公示期限已过（早于今天）的结果，按期公示率的分母 / The results"
        " published rate's denominator: the results recorded in the period published already or past their"
        " publishing deadline (before today)."
    )


@strawberry.type(description="双归集的考核指标 / Licences or penalties the department is the source of.")
class AggregationPerformance:
    aggregated: int = strawberry.field(description="期间内归集的记录 / Records stored in the period.")
    within_deadline: int = strawberry.field(
        description="决定日后 7 个工作日内归集的 / Stored within 7 working days of the decision date."
    )
    within_deadline_rate: Decimal | None = strawberry.field(description=f"按期归集率{_RATE}.")
    median_lag_days: Decimal | None = strawberry.field(description=f"决定日至归集日的工作日数中位数{_MEDIAN}.")


@strawberry.type(description="联动告知的考核指标 / Referrals sent to the department in the period.")
class ReferralPerformance:
    received: int = strawberry.field(description="收到的联动告知 / Referrals sent to it in the period.")
    acknowledged: int = strawberry.field(description="已签收 / Acknowledged.")
    acknowledged_rate: Decimal | None = strawberry.field(description=f"签收率{_RATE}.")
    handled: int = strawberry.field(description="已办结 / Handled.")
    handled_rate: Decimal | None = strawberry.field(description=f"办结率{_RATE}.")
    median_acknowledge_days: Decimal | None = strawberry.field(description=f"发送至签收的工作日数中位数{_MEDIAN}.")
    median_handle_days: Decimal | None = strawberry.field(description=f"发送至办结的工作日数中位数{_MEDIAN}.")


@strawberry.type(description="考核期间（北京时间，含首尾两天）/ The period, Beijing days, both ends included.")
class PerformancePeriod:
    start: datetime.date = strawberry.field(name="from", description="起始日 / First day.")
    end: datetime.date = strawberry.field(name="to", description="结束日（含）/ Last day, included.")
    days: int = strawberry.field(description="天数 / Number of days.")


@strawberry.type(
    description="绩效考核：一个部门在一个期间内的时效与完整性指标 / A department's measures over a period (domain.md)."
)
class DepartmentPerformance:
    department: Department = strawberry.field(description="部门 / The department.")
    period: PerformancePeriod = strawberry.field(description="考核期间 / The period.")
    notices: NoticePerformance = strawberry.field(description="双告知 / Registration notices.")
    spot_checks: SpotCheckPerformance = strawberry.field(description="双随机、一公开 / Spot checks.")
    licenses: AggregationPerformance = strawberry.field(description="行政许可归集 / Licences aggregated.")
    penalties: AggregationPerformance = strawberry.field(description="行政处罚归集 / Penalties aggregated.")
    referrals: ReferralPerformance = strawberry.field(description="联动告知 / Referrals received.")
