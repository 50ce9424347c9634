"""Credit's mutations (listings, discipline, referrals, colour rules), each declared once."""

from __future__ import annotations

import strawberry

from schema.credit.inputs import (
    DelistEntityInput,
    ListEntityInput,
    SendReferralInput,
    SetRuleParametersInput,
    UpsertDisciplineMeasureInput,
)
from schema.credit.risk import SetRuleParametersPayload
from schema.credit.types import DelistEntityPayload, ListEntityPayload, ReferralPayload, UpsertDisciplineMeasurePayload
from schema.platform.mutation import Arg, service_mutation
from services.credit import discipline, listings, referrals, risk
from services.platform.access import Operation
from services.platform.ids import existing_id


def referral_id(raw: strawberry.ID) -> int:
    return existing_id(raw, "REFERRAL_NOT_FOUND", "联动告知{id}不存在", "id")


_ID = Arg(strawberry.ID, to="referral_id", parse=referral_id, description="联动告知标识 / The referral's id.")
_TEXT = ("INVALID_TEXT", "REQUIRED", "TOO_LONG")
# A listing's authority: the caller's department, or one a maintainer acts for, over an entity it may see.
_AUTHORITY = (
    *_TEXT, "DATE_IN_FUTURE", "DEPARTMENT_REQUIRED", "INVALID_DOCUMENT_NUMBER", "INVALID_RANGE", "INVALID_USCC",
    "NOT_ENTITYS_AUTHORITY", "NOT_REGISTRATION_AUTHORITY", "REASON_NOT_FOR_KIND", "UNKNOWN_DEPARTMENT",
    "UNKNOWN_ENTITY",
)  # fmt: skip

list_entity = service_mutation(
    service=listings.list_entity,
    input=ListEntityInput,
    payload=ListEntityPayload,
    returns="listing",
    permission=Operation.LIST_ENTITY,
    codes=(*_AUTHORITY, "ALREADY_LISTED", "ENTITY_DEREGISTERED"),
    description=(
        "列入经营异常名录（主体的登记机关）或严重违法失信名单（登记机关）/ "
        "List an entity: abnormal operation by its registration authority, serious list by a regulator."
    ),
)

delist_entity = service_mutation(
    service=listings.delist_entity,
    input=DelistEntityInput,
    payload=DelistEntityPayload,
    returns="listing",
    permission=Operation.DELIST_ENTITY,
    codes=(*_AUTHORITY, "LISTING_REASON_REQUIRED", "NOT_LISTED"),
    description="移出名录 / Remove an entity from a list it stands on.",
)

upsert_discipline_measure = service_mutation(
    service=discipline.upsert_discipline_measure,
    input=UpsertDisciplineMeasureInput,
    payload=UpsertDisciplineMeasurePayload,
    returns={"measure": "row", "created": "created"},
    permission=Operation.UPSERT_DISCIPLINE_MEASURE,
    codes=(*_TEXT, "INVALID_MEASURE_CODE"),
    description="维护惩戒措施目录 / Keep a discipline measure (maintainers).",
)

send_referral = service_mutation(
    service=referrals.send_referral,
    input=SendReferralInput,
    payload=ReferralPayload,
    returns="referral",
    permission=Operation.SEND_REFERRAL,
    codes=(
        *_TEXT,
        "AUTOMATIC_REASON",
        "INVALID_USCC",
        "OUTSIDE_RECIPIENT_JURISDICTION",
        "SAME_DEPARTMENT",
        "UNKNOWN_DEPARTMENT",
        "UNKNOWN_ENTITY",
    ),
    description="联动告知：向其他部门告知某主体的情况 / Alert another department about an entity.",
)

acknowledge_referral = service_mutation(
    service=referrals.acknowledge_referral,
    arguments={"id": _ID},
    payload=ReferralPayload,
    returns="referral",
    permission=Operation.ACKNOWLEDGE_REFERRAL,
    codes=("ALREADY_ACKNOWLEDGED", "ALREADY_HANDLED", "NOT_RECIPIENT", "REFERRAL_NOT_FOUND"),
    description="签收联动告知（接收部门）；同时签收时只有一个成功 / Acknowledge a referral received.",
)

handle_referral = service_mutation(
    service=referrals.handle_referral,
    arguments={"id": _ID, "outcome": Arg(str, description="办理结果 / What the department did about it.")},
    payload=ReferralPayload,
    returns="referral",
    permission=Operation.HANDLE_REFERRAL,
    codes=(*_TEXT, "ALREADY_HANDLED", "NOT_RECIPIENT", "REFERRAL_NOT_FOUND"),
    description="办结联动告知并写明办理结果（接收部门）/ Close a referral received, with its outcome.",
)

set_rule_parameters = service_mutation(
    service=risk.set_rule_parameters,
    input=SetRuleParametersInput,
    payload=SetRuleParametersPayload,
    returns="parameters",
    permission=Operation.SET_RULE_PARAMETERS,
    codes=("CONTRADICTORY_THRESHOLDS", "OUT_OF_RANGE"),
    description=(
        "维护四色警示规则参数（维护人员；留痕；自下次评定起生效，已存储的颜色由下次重算更新）/ "
        "Set the colour thresholds (maintainers; audited; from the next evaluation)."
    ),
)
