"""Chinese labels of the code lists: shown in the admin pages, written to exported files,
and read back from imported ones, so one table serves all three."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import TypeVar

from models.enums import (
    ApprovalLevel,
    DepartmentLevel,
    EntityStatus,
    EntityType,
    FeedbackKind,
    MatterMode,
    NoticeStatus,
    PersonRole,
    RegionLevel,
    Role,
)

E = TypeVar("E", bound=Enum)

LABELS: dict[object, str] = {
    RegionLevel.PROVINCE: "省级",
    RegionLevel.CITY: "市级",
    RegionLevel.DISTRICT: "区县级",
    DepartmentLevel.CITY: "市级",
    DepartmentLevel.DISTRICT: "区县级",
    EntityStatus.ACTIVE: "存续",
    EntityStatus.REVOKED: "吊销",
    EntityStatus.DEREGISTERED: "注销",
    EntityType.COMPANY: "公司",
    EntityType.PARTNERSHIP: "合伙企业",
    EntityType.SOLE_PROPRIETORSHIP: "个人独资企业",
    EntityType.BRANCH: "分支机构",
    EntityType.SOLE_TRADER: "个体工商户",
    EntityType.COOPERATIVE: "农民专业合作社",
    EntityType.OTHER: "其他",
    PersonRole.LEGAL_REPRESENTATIVE: "法定代表人",
    PersonRole.SHAREHOLDER: "股东",
    PersonRole.EXECUTIVE: "董监高",
    MatterMode.APPROVAL: "审管一体（谁审批谁负责）",
    MatterMode.COMPETENT: "审管分离（谁主管谁负责）",
    ApprovalLevel.DISTRICT: "区县级",
    ApprovalLevel.CITY: "市级",
    ApprovalLevel.PROVINCE: "省级",
    ApprovalLevel.NATIONAL: "国家级",
    NoticeStatus.PUSHED: "待认领",
    NoticeStatus.CLAIMED: "已认领",
    NoticeStatus.FORWARDED: "已转交",
    NoticeStatus.RETURNED: "已退回",
    NoticeStatus.FEEDBACK_GIVEN: "已反馈",
    FeedbackKind.LICENSE_GRANTED: "已取得许可",
    FeedbackKind.APPLIED_PENDING: "已申请，审批中",
    FeedbackKind.NOT_APPLIED: "尚未申请（许可前跟踪）",
    FeedbackKind.NO_LICENSE_NEEDED: "无需许可",
    Role.MAINTAINER: "目录维护人员",
    Role.DEPARTMENT: "部门用户",
}


def labels_of(enum: type[E]) -> dict[E, str]:
    return {member: label(member) for member in enum}


# What pushed a notice (Notice.reason).
NOTICE_REASONS = {
    "REGISTERED": "设立登记",
    "SCOPE_CHANGED": "经营范围变更",
    "FORWARDED": "转交",
    "POOL": "从待认领池认领",
}

_PARTS = re.compile(r"[()]")


def label(value: object) -> str:
    return LABELS.get(value, str(value))


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def spellings(member: Enum) -> set[str]:
    """How people write a code in a file: the code itself, its label, and each part of a
    label like "审管一体（谁审批谁负责）" on its own."""
    text = _fold(LABELS.get(member, str(member.value)))
    return {_fold(str(member.value)), text, *(part for part in _PARTS.split(text) if part)}


def parse_label(enum: type[E], text: str) -> E | None:
    """A member of `enum` from its code or Chinese label; None when it is neither."""
    folded = _fold(text)
    if not folded:
        return None
    found = [member for member in enum if folded in spellings(member)]
    return found[0] if len(found) == 1 else None
