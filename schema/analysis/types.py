"""Statistics' GraphQL types: each breakdown a list of counts, labelled in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry


@strawberry.type(description="一项计数 / One count of a breakdown: a bar of its chart.")
class StatisticsCount:
    key: str = strawberry.field(
        description="稳定代码：行政区划代码、门类字母、代码表值、部门代码或月份 YYYY-MM / A stable key."
    )
    label: str = strawberry.field(description="中文名称 / Its name in Chinese.")
    count: int = strawberry.field(description="数量 / How many.")
    amount: Decimal | None = strawberry.field(
        description="罚款金额合计（元），仅处罚 / The fines in yuan, penalties only; null elsewhere."
    )


@strawberry.type(
    description=(
        "统计分析：主体按当前状态统计，其余按期间内的日期统计，均限于调用方可见的范围 / Statistics: entities as they "
        "stand now, everything else by its date within the period; only what the caller may see."
    )
)
class Statistics:
    start: datetime.date = strawberry.field(name="from", description="开始日期 / The period's first day.")
    end: datetime.date = strawberry.field(name="to", description="结束日期（含）/ The period's last day.")
    region_code: str | None = strawberry.field(
        description="统计的区县；null 为全市（调用方可见的全部区县）/ The district counted; null for the whole city."
    )
    entities_by_region: list[StatisticsCount] = strawberry.field(
        description="现有主体按行政区划 / Entities now, by district."
    )
    entities_by_industry: list[StatisticsCount] = strawberry.field(
        description="现有主体按国民经济行业门类 / Entities now, by industry section (GB/T 4754)."
    )
    entities_by_type: list[StatisticsCount] = strawberry.field(
        description="现有主体按主体类型 / Entities now, by entity type."
    )
    entities_by_status: list[StatisticsCount] = strawberry.field(
        description="现有主体按登记状态 / Entities now, by status."
    )
    entities_by_colour: list[StatisticsCount] = strawberry.field(
        description="现有主体按四色警示颜色 / Entities now, by risk colour."
    )
    registrations_by_month: list[StatisticsCount] = strawberry.field(
        description="期间内按成立日期的新设主体，每月一项 / New entities by establishment date, one count a month."
    )
    licenses_by_department: list[StatisticsCount] = strawberry.field(
        description="期间内作出的行政许可，按许可机关 / Licences decided in the period, by source department."
    )
    licenses_by_category: list[StatisticsCount] = strawberry.field(
        description="期间内作出的行政许可，按许可类别 / Licences decided in the period, by category."
    )
    penalties_by_department: list[StatisticsCount] = strawberry.field(
        description=(
            "期间内作出且未撤销的行政处罚及罚款合计，按处罚机关 / Penalties decided in the period and not withdrawn, "
            "with their fines, by source department."
        )
    )
    penalties_by_category: list[StatisticsCount] = strawberry.field(
        description=(
            "期间内作出且未撤销的行政处罚及罚款合计，按处罚类别（一项处罚可属多个类别，计入每个类别）/ Penalties "
            "decided in the period and not withdrawn, with their fines, by penalty category (a penalty may count "
            "under several)."
        )
    )
    withdrawn_penalties_by_department: list[StatisticsCount] = strawberry.field(
        description=(
            "期间内作出、已撤销的行政处罚，按处罚机关 / Penalties decided in the period and since withdrawn, by "
            "source department (not in penaltiesByDepartment)."
        )
    )
    complaints_by_department: list[StatisticsCount] = strawberry.field(
        description="期间内受理的投诉，按部门 / Complaints received in the period, by department."
    )
    complaints_by_category: list[StatisticsCount] = strawberry.field(
        description="期间内受理的投诉，按类别 / Complaints received in the period, by category."
    )
    notices_by_department: list[StatisticsCount] = strawberry.field(
        description=(
            "期间内推送的告知，按接收部门（部门只见本部门的）/ Notices pushed in the period, by receiving department "
            "(a department sees its own)."
        )
    )
    notices_by_status: list[StatisticsCount] = strawberry.field(
        description="期间内推送的告知，按当前状态 / Notices pushed in the period, by their status now."
    )
    inspections_by_department: list[StatisticsCount] = strawberry.field(
        description="期间内到期的检查任务，按部门 / Inspection tasks due in the period, by department."
    )
    inspections_by_status: list[StatisticsCount] = strawberry.field(
        description="期间内到期的检查任务，按状态 / Inspection tasks due in the period, by status."
    )
    results_by_department: list[StatisticsCount] = strawberry.field(
        description="期间内录入的检查结果，按部门 / Inspection results recorded in the period, by department."
    )
    results_by_category: list[StatisticsCount] = strawberry.field(
        description=(
            "期间内录入的检查结果，按结果类别（一项结果可属多个类别）/ Inspection results recorded in the period, by "
            "result category (a result may count under several)."
        )
    )
