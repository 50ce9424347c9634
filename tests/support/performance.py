"""A small hand-built 绩效考核 scenario around National Day 2026, for the measures' tests and the ranking page.

The calendar: 2026-10-01 (Thu) to 10-07 (Wed) are holidays; Sunday 09-27 and Saturday 10-10 are
worked (调休); every other day is Monday to Friday. Working days near it, in order: 09-25 (Fri),
09-27 (Sun), 09-28, 09-29, 09-30, 10-08, 10-09, 10-10 (Sat), 10-12, 10-13, 10-14 ...

Everything belongs to a department of its own (PERF_CODE), made here, so the demo city's own
records never count in its measures. Times are given in Beijing time and stored as UTC."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import (
    Department,
    InspectionTask,
    License,
    MarketEntity,
    Notice,
    Penalty,
    Referral,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SupervisionMatter,
)
from models.enums import (
    DepartmentLevel,
    FeedbackKind,
    InspectionTaskKind,
    InspectionTaskStatus,
    LicenseCategory,
    NoticeStatus,
    PenaltyCategory,
    PlanRole,
    RecordStatus,
    ReferralReason,
    ReferralStatus,
    SampleKind,
    SpotCheckPlanStatus,
)
from services.platform.calendar import CalendarDayInput, set_calendar_days
from services.platform.clock import SHANGHAI
from services.platform.db import Database
from services.platform.principal import Principal
from services.platform.transactions import run_change

PERF_CODE = "JX-210202"
PERF_NAME = "中山区绩效测试局"
OTHER_CODE = "SCJG-210202"  # the demo city's 中山区市场监督管理局: forwards to it and leads a joint plan
FROM, TO = date(2026, 9, 21), date(2026, 10, 31)


def bj(day: str, clock: str = "10:00") -> datetime:
    """A Beijing wall-clock time as the aware moment stored (UTC)."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=SHANGHAI)


def national_day() -> list[CalendarDayInput]:
    holidays = [CalendarDayInput(date(2026, 10, 1) + timedelta(days=n), False, "国庆节") for n in range(7)]
    worked = [
        CalendarDayInput(date(2026, 9, 27), True, "国庆调休上班"),
        CalendarDayInput(date(2026, 10, 10), True, "国庆调休上班"),
    ]
    # The demo city's calendar has the real 2026 (中秋 on Fri 09-25, 调休 on Sun 09-20): back to plain days.
    plain = [CalendarDayInput(date(2026, 9, 20), False), CalendarDayInput(date(2026, 9, 25), True)]
    return holidays + worked + plain


async def _scenario(session: AsyncSession) -> dict[str, Any]:
    await set_calendar_days(session, national_day())
    own = Department(code=PERF_CODE, name=PERF_NAME, level=DepartmentLevel.DISTRICT, region_code="210202")
    session.add(own)
    await session.flush()
    other = await session.scalar(select(Department).where(col(Department.code) == OTHER_CODE))
    assert own.id is not None and other is not None and other.id is not None
    own_id, other_id = own.id, other.id
    entities: list[int] = [
        e or 0 for e in await session.scalars(sa.select(col(MarketEntity.id)).order_by(col(MarketEntity.id)).limit(20))
    ]
    matter = await session.scalar(select(col(SupervisionMatter.id)).limit(1))
    assert matter is not None and len(entities) == 20

    def notice(n: int, status: NoticeStatus, pushed: datetime, deadline: date, reason: str = "REGISTRATION",
               **more: Any) -> Notice:  # fmt: skip
        return Notice(entity_id=entities[n], matter_id=matter, department_id=own_id, status=status,
                      pushed_at=pushed, deadline=deadline, reason=reason, **more)  # fmt: skip

    # The forward: the other department's notice ends FORWARDED, the new one is ours.
    forwarded_from = Notice(entity_id=entities[9], matter_id=matter, department_id=other_id,
                            status=NoticeStatus.FORWARDED, pushed_at=bj("2026-10-12"), deadline=date(2026, 10, 19),
                            reason="REGISTRATION")  # fmt: skip
    session.add(forwarded_from)
    await session.flush()
    given: dict[str, Any] = {"feedback_at": bj("2026-10-15"), "feedback_kind": FeedbackKind.NO_LICENSE_NEEDED}
    session.add_all(
        [
            # N1: pushed Tue 09-29, deadline 5 working days on (09-30, 10-08, 10-09, 10-10, 10-12); claimed
            # Fri 10-09: 3 working days (09-30, 10-08, 10-09), in time; fed back.
            notice(
                1,
                NoticeStatus.FEEDBACK_GIVEN,
                bj("2026-09-29"),
                date(2026, 10, 12),
                claimed_at=bj("2026-10-09"),
                **given,
            ),
            # N2: pushed 09-30 07:30 Beijing (09-29 23:30 UTC: it counts on 09-30); deadline 10-13; claimed
            # 10-14: 6 working days (10-08, 10-09, 10-10, 10-12, 10-13, 10-14), late.
            notice(
                2,
                NoticeStatus.CLAIMED,
                bj("2026-09-30", "07:30"),
                date(2026, 10, 13),
                claimed_at=bj("2026-10-14", "09:00"),
            ),
            # N3: pushed Fri 09-25, deadline 10-08 (09-27, 09-28, 09-29, 09-30, 10-08); claimed Sunday 09-27
            # (调休) at 23:30 Beijing, 15:30 UTC: 1 working day; in time; fed back.
            notice(
                3,
                NoticeStatus.FEEDBACK_GIVEN,
                bj("2026-09-25"),
                date(2026, 10, 8),
                claimed_at=bj("2026-09-27", "23:30"),
                **given,
            ),
            notice(4, NoticeStatus.FORWARDED, bj("2026-10-12"), date(2026, 10, 19)),  # N4: forwarded on
            notice(5, NoticeStatus.RETURNED, bj("2026-10-12"), date(2026, 10, 19)),  # N5: returned
            notice(6, NoticeStatus.PUSHED, bj("2026-09-28"), date(2026, 10, 9)),  # N6: never claimed: overdue
            notice(7, NoticeStatus.CLAIMED, bj("2026-09-20"), date(2026, 9, 25), claimed_at=bj("2026-09-21")),  # before
            # N8: 11-01 01:00 Beijing is still 10-31 in UTC: after the period all the same.
            notice(8, NoticeStatus.PUSHED, bj("2026-11-01", "01:00"), date(2099, 1, 1)),
            # N9: forwarded in on 10-13 (deadline 10-20) and claimed the same day: 0 working days, in time.
            notice(
                9,
                NoticeStatus.CLAIMED,
                bj("2026-10-13"),
                date(2026, 10, 20),
                claimed_at=bj("2026-10-13", "15:00"),
                forwarded_from_id=forwarded_from.id,
            ),
            # N10: pushed 10-30, still unclaimed and its deadline not come yet: received, not yet to claim.
            notice(10, NoticeStatus.PUSHED, bj("2026-10-30"), date(2099, 1, 1)),
            # N11: claimed from the open pool on Wed 10-14 (as claim_from_pool makes it: CLAIMED at once, made and
            # claimed at the one moment, its deadline that day), fed back 10-15. Never pushed: not received, not
            # claimed, no claim time; counted as claimed from the pool, and in the feedback.
            notice(
                11,
                NoticeStatus.FEEDBACK_GIVEN,
                bj("2026-10-14", "11:00"),
                date(2026, 10, 14),
                reason="POOL",
                claimed_at=bj("2026-10-14", "11:00"),
                **given,
            ),
        ]
    )

    def plan(name: str, lead: int, drawn: datetime) -> SpotCheckPlan:
        return SpotCheckPlan(name=name, lead_department_id=lead, status=SpotCheckPlanStatus.DRAWN,
                             sample_kind=SampleKind.COUNT, sample_count=1, inspectors_per_target=2,
                             period_start=date(2026, 9, 1), period_end=date(2026, 12, 31), created_by="测试",
                             drawn_at=drawn)  # fmt: skip

    led, joined, earlier = (
        plan("牵头的计划", own_id, bj("2026-09-23")),
        plan("参与的计划", other_id, bj("2026-10-09")),
        plan("八月的计划", own_id, bj("2026-08-01")),
    )
    session.add_all([led, joined, earlier])
    await session.flush()
    members = [(led, own_id, PlanRole.LEAD), (joined, other_id, PlanRole.LEAD), (joined, own_id, PlanRole.PARTNER),
               (earlier, own_id, PlanRole.LEAD)]  # fmt: skip
    for member, department_id, role in members:
        assert member.id is not None
        session.add(
            SpotCheckPlanDepartment(plan_id=member.id, department_id=department_id, role=role, inspectors_per_target=1)
        )

    def task(n: int, status: InspectionTaskStatus, due: date, **more: Any) -> InspectionTask:
        return InspectionTask(plan_id=led.id, entity_id=entities[n], department_id=own_id,
                              kind=InspectionTaskKind.DRAWN, status=status, due_on=due, **more)  # fmt: skip

    session.add_all(
        [
            # T1: due 10-05 (in the holiday), recorded 09-30: done by its due date. Published 11-03, the 20th
            # working day after recording (10-08 … 10-30 are 18, 11-02 the 19th, 11-03 the 20th): in time.
            task(
                1,
                InspectionTaskStatus.PUBLISHED,
                date(2026, 10, 5),
                recorded_at=bj("2026-09-30"),
                publish_due_on=date(2026, 11, 3),
                published_at=bj("2026-11-03"),
            ),
            # T2: due 10-05, recorded 10-08: late. 20 working days from 10-08 end on 11-04 (10-09 the 1st);
            # published 11-05, the 21st: late.
            task(
                2,
                InspectionTaskStatus.PUBLISHED,
                date(2026, 10, 5),
                recorded_at=bj("2026-10-08"),
                publish_due_on=date(2026, 11, 4),
                published_at=bj("2026-11-05"),
            ),
            task(3, InspectionTaskStatus.ASSIGNED, date(2026, 10, 20)),  # T3: due, never recorded
            task(4, InspectionTaskStatus.REPLACED, date(2026, 10, 20)),  # T4: replaced: not counted
            # T5: due after the period, recorded in it and not published yet.
            task(
                5,
                InspectionTaskStatus.RECORDED,
                date(2026, 11, 10),
                recorded_at=bj("2026-10-20"),
                publish_due_on=date(2026, 11, 17),
            ),
        ]
    )

    def license(n: int, source: int, decided: date, stored: datetime) -> License:
        return License(entity_id=entities[n], source_department_id=source, party_name="测试主体",
                       document_number=f"JX许〔2026〕{n}号", document_name="行政许可决定书",
                       category=LicenseCategory.ORDINARY, content="许可", decision_date=decided, valid_from=decided,
                       valid_to=date(2099, 12, 31), authority_name=PERF_NAME, public_until=date(2029, 12, 31),
                       status=RecordStatus.EFFECTIVE, created_at=stored)  # fmt: skip

    def penalty(n: int, decided: date, stored: datetime) -> Penalty:
        return Penalty(entity_id=entities[n], source_department_id=own_id, party_name="测试主体",
                       document_number=f"JX罚〔2026〕{n}号", violation_type="测试", facts="事实", basis="依据",
                       categories=[PenaltyCategory.WARNING], content="警告", decision_date=decided,
                       authority_name=PERF_NAME, public_until=date(2029, 12, 31), status=RecordStatus.EFFECTIVE,
                       created_at=stored)  # fmt: skip

    session.add_all(
        [
            # L1: decided Mon 09-28, stored 10-13: 7 working days (09-29, 09-30, 10-08, 10-09, 10-10, 10-12, 10-13).
            license(1, own_id, date(2026, 9, 28), bj("2026-10-13")),
            license(2, own_id, date(2026, 9, 28), bj("2026-10-14")),  # L2: the 8th working day: late
            license(3, own_id, date(2026, 10, 20), bj("2026-10-20")),  # L3: the same day: 0
            license(4, other_id, date(2026, 10, 20), bj("2026-10-20")),  # another department's
            license(5, own_id, date(2026, 10, 20), bj("2026-11-02")),  # stored after the period
            # P1: decided 09-30, stored Saturday 10-10 (调休) 08:00 Beijing, 00:00 UTC: 3 (10-08, 10-09, 10-10).
            penalty(1, date(2026, 9, 30), bj("2026-10-10", "08:00")),
            # P2: decided Sat 08-01, stored 09-22: August's 21 weekdays after it and 16 in September: 37.
            penalty(2, date(2026, 8, 1), bj("2026-09-22")),
        ]
    )

    def referral(n: int, to: int, frm: int, status: ReferralStatus, sent: datetime, **more: Any) -> Referral:
        return Referral(entity_id=entities[n], from_department_id=frm, to_department_id=to,
                        reason=ReferralReason.MANUAL, message="请核查", status=status, sent_at=sent,
                        **more)  # fmt: skip

    session.add_all(
        [
            # R1: sent 09-29; acknowledged 10-08: 2 (09-30, 10-08); handled 10-10: 4 (… 10-09, 10-10).
            referral(
                1,
                own_id,
                other_id,
                ReferralStatus.HANDLED,
                bj("2026-09-29"),
                acknowledged_at=bj("2026-10-08"),
                handled_at=bj("2026-10-10"),
                outcome="已处理",
            ),
            referral(
                2,
                own_id,
                other_id,
                ReferralStatus.ACKNOWLEDGED,
                bj("2026-10-09"),
                acknowledged_at=bj("2026-10-09", "16:00"),
            ),  # R2: 0
            referral(3, own_id, other_id, ReferralStatus.SENT, bj("2026-10-20")),  # R3: not acknowledged
            referral(4, other_id, own_id, ReferralStatus.SENT, bj("2026-10-20")),  # R4: sent by us: the other's
        ]
    )
    await session.flush()
    return {"own_id": own_id, "entities": entities}


async def build_scenario(db: Database) -> dict[str, Any]:
    made, problems = await run_change(db, Principal.system("cli"), _scenario)
    assert not problems and made is not None, problems
    return made


# Every measure of PERF_CODE over FROM..TO, counted by hand above, read after 2026-11-17 (every deadline of
# the scenario but N10's has passed).
EXPECTED: dict[str, dict[str, Any]] = {
    "notices": {
        "received": 8,  # N1–N6, N9 and N10 (not N11, claimed from the pool)
        # The rates' denominator, to claim: 8 received − N4 forwarded − N5 returned − N10 not yet due = 5
        # (N1, N2, N3, N6, N9).
        "claimed": 4,  # N1, N2, N3, N9
        "claimedRate": "80.0",  # 4 / 5
        "claimedInTime": 3,  # N1, N3, N9
        "claimedInTimeRate": "60.0",  # 3 / 5
        "medianClaimDays": "2.0",  # 0, 1, 3, 6
        "forwarded": 1,
        "returned": 1,
        "overdue": 1,  # N6
        "claimedFromPool": 1,  # N11, in none of the above
        # Over the claimed (N1, N2, N3, N9) and the claimed from the pool (N11): N1, N3, N11 fed back.
        "feedbackGiven": 3,
        "feedbackRate": "60.0",  # 3 / 5
        "toClaim": 5,  # N1, N2, N3, N6, N9
        "feedbackDue": 5,  # N1, N2, N3, N9 claimed and N11 from the pool
    },
    "spotChecks": {
        "plansRun": 2,  # the one it leads, the one it joins; August's is outside
        "tasksDue": 3,  # T1, T2, T3: all past their due date (T4 replaced)
        "tasksDoneByDue": 1,  # T1
        "tasksDoneRate": "33.3",  # 1 / 3
        "resultsRecorded": 3,  # T1, T2, T5
        "resultsPublishedInTime": 1,  # T1
        "resultsPublishedRate": "33.3",  # 1 / 3: T1, T2 published, T5 past its publish_due_on (11-17)
        "resultsToPublish": 3,  # T1, T2, T5
    },
    "licenses": {"aggregated": 3, "withinDeadline": 2, "withinDeadlineRate": "66.7", "medianLagDays": "7.0"},
    "penalties": {"aggregated": 2, "withinDeadline": 1, "withinDeadlineRate": "50.0", "medianLagDays": "20.0"},
    "referrals": {
        "received": 3,
        "acknowledged": 2,
        "acknowledgedRate": "66.7",
        "handled": 1,
        "handledRate": "33.3",
        "medianAcknowledgeDays": "1.0",  # 0 and 2
        "medianHandleDays": "4.0",
    },
}


# What changes when the same measures are read on AS_OF, mid-period: the rates count only what was due by then.
AS_OF = date(2026, 10, 9)
EXPECTED_AS_OF: dict[str, dict[str, Any]] = {
    # To claim: 8 − N4 − N5 − N10 − N6 (unclaimed, its deadline 10-09 not passed yet) = 4 (N1, N2, N3, N9).
    "notices": {"claimedRate": "100.0", "claimedInTimeRate": "75.0", "overdue": 0, "toClaim": 4},  # 4 / 4, 3 / 4
    "spotChecks": {
        "tasksDue": 2,  # T1, T2 (due 10-05); T3, due 10-20 and not recorded, not yet
        "tasksDoneByDue": 1,
        "tasksDoneRate": "50.0",  # 1 / 2
        "resultsRecorded": 3,
        "resultsPublishedRate": "50.0",  # 1 / 2: T1, T2 published; T5 not due before 11-17
        "resultsToPublish": 2,
    },
}


async def perf_department_id(session: AsyncSession) -> int:
    found = await session.scalar(sa.select(col(Department.id)).where(col(Department.code) == PERF_CODE))
    assert found is not None
    return int(found)
