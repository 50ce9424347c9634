"""Chinese labels for the code lists shown in the admin pages."""

from models.enums import (
    ApprovalLevel,
    DepartmentLevel,
    EntityStatus,
    EntityType,
    MatterMode,
    PersonRole,
    RegionLevel,
    Role,
)

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
    Role.MAINTAINER: "目录维护人员",
    Role.DEPARTMENT: "部门用户",
}


def choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, LABELS.get(member, member.value)) for member in enum]  # type: ignore[attr-defined]


def label(value: object) -> str:
    return LABELS.get(value, str(value))
