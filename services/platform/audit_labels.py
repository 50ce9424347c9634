"""The audit log in Chinese: what each action, object type and actor is called on screen.

The log itself keeps its codes (`risk.recomputed`, `MarketEntity`, `cli`): they are hashed
into the chain and read by programs, so they are translated only where people read them.
A test (tests/test_audit_labels.py) reads every `audit.record` in the code and fails on an
action or object type this table does not name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import ApiToken, Department, User

ACTIONS: dict[str, str] = {
    # 账户与登录
    "user.created": "新建用户",
    "user.changed": "修改用户（启用、停用或重置密码）",
    "user.signed_in": "登录",
    "user.sign_in_failed": "登录失败",
    "user.locked": "登录失败次数过多，账户锁定",
    "user.client_throttled": "同一地址登录失败次数过多，暂缓该地址登录",
    "user.signed_out": "退出登录",
    "user.password_changed": "修改本人密码",
    "user.password_change_failed": "修改密码时原密码错误",
    "user.unlocked": "解除锁定",
    "token.created": "新建 API 令牌",
    "token.revoked": "吊销 API 令牌",
    # 行政区划、部门与监管事项目录
    "region.upserted": "保存行政区划",
    "department.upserted": "保存部门",
    "matter.upserted": "保存监管事项",
    "catalog.published": "发布监管事项目录版本",
    "discipline_measure.upserted": "保存惩戒措施",
    "calendar.changed": "修改工作日历",
    # 市场主体与双告知
    "entity.registered": "设立登记",
    "entity.changed": "变更登记",
    "entity.scope_changed": "变更经营范围",
    "notices.pushed": "推送双告知",
    "notices.pushed_batch": "按新目录批量推送双告知",
    "notice.认领": "认领告知",
    "notice.转交": "转交告知",
    "notice.退回": "退回告知",
    "notice.反馈": "反馈告知办理结果",
    "notice.claimed_from_pool": "从待认领池认领",
    # 双归集
    "license.created": "新增行政许可",
    "license.updated": "更正行政许可",
    "license.imported": "导入行政许可文件",
    "license.created_batch": "批量导入行政许可（旧版按分块记录）",
    "license.revoked": "许可证件随处罚吊销",
    "license.restored": "许可证件恢复有效",
    "penalty.created": "新增行政处罚",
    "penalty.updated": "更正行政处罚",
    "penalty.imported": "导入行政处罚文件",
    "penalty.created_batch": "批量导入行政处罚（旧版按分块记录）",
    "penalty.withdrawn": "撤销行政处罚",
    "penalty.repaired": "行政处罚信用修复",
    "complaint.created": "新增投诉",
    "complaint.updated": "更正投诉",
    "complaint.imported": "导入投诉文件",
    "complaint.created_batch": "批量导入投诉（旧版按分块记录）",
    # 信用监管
    "listing.listed": "列入名录",
    "listing.removed": "移出名录",
    "listing.escalation_reminded": "提醒列入严重违法失信名单",
    "referral.sent": "发出联动告知",
    "referral.acknowledged": "签收联动告知",
    "referral.handled": "办结联动告知",
    "risk.recomputed": "重新评定风险颜色",
    "risk.parameters_set": "设置四色警示参数",
    "analysis.parameters_set": "设置统计分析参数",
    # 双随机、一公开
    "check_item.upserted": "保存抽查事项",
    "inspector.upserted": "保存执法检查人员",
    "inspector.conflicts_replaced": "更新检查人员回避名单",
    "entity_directory.created": "新建检查对象名录",
    "entity_directory.updated": "修改检查对象名录",
    "result_categories.set": "设置检查结果类别",
    "spot_check_plan.created": "新建抽查计划",
    "spot_check_plan.accepted": "配合部门确认抽查计划",
    "spot_check_plan.approved": "审批抽查计划",
    "spot_check_plan.draft": "抽查计划退回草拟",
    "spot_check_plan.drawn": "抽取检查对象",
    "spot_check_plan.draw_refused": "抽取被拒绝",
    "spot_check_plan.replaced": "替补检查对象",
    "spot_check_plan.in_progress": "抽查计划开始检查",
    "spot_check_plan.done": "抽查计划完成",
    "inspection_result.recorded": "录入检查结果",
    "inspection_result.published": "公示检查结果",
    "inspection_task.follow_up_opened": "生成后续检查任务",
    # 其他
    "list.exported": "导出列表（全部筛选结果）",
    "demo.seeded": "生成演示数据",
}

OBJECT_TYPES: dict[str, str] = {
    "ApiToken": "API 令牌",
    "AuditEvent": "审计事件",
    "AuditHead": "审计日志头",
    "Calendar": "工作日历",
    "CalendarDay": "工作日历",
    "CatalogVersion": "监管事项目录版本",
    "CheckItem": "抽查事项",
    "Complaint": "投诉",
    "Department": "部门",
    "DisciplineMeasure": "惩戒措施",
    "DrawAttempt": "抽取尝试",
    "DrawRecord": "抽取记录",
    "DrawSelection": "抽中的检查对象",
    "EntityDirectory": "检查对象名录",
    "EntityFormerName": "曾用名",
    "EntityPerson": "市场主体人员",
    "InspectionResult": "检查结果",
    "InspectionTask": "检查任务",
    "InspectionTaskInspector": "检查任务的检查人员",
    "Inspector": "执法检查人员",
    "InspectorConflict": "回避关系",
    "License": "行政许可",
    "Listing": "名录",
    "MarketEntity": "市场主体",
    "Notice": "双告知",
    "Penalty": "行政处罚",
    "Person": "自然人",
    "Referral": "联动告知",
    "Region": "行政区划",
    "Registry": "法人库",
    "ResultCategory": "检查结果类别",
    "RiskColourChange": "风险颜色变更",
    "RiskParameters": "四色警示参数",
    "AnalysisParameters": "统计分析参数",
    "DepartmentPerformance": "绩效考核",
    "Statistics": "统计分析",
    "SignInThrottle": "登录失败计数",
    "SignInKnownAddress": "登录过的网络",
    "SpotCheckPlan": "抽查计划",
    "SpotCheckPlanDepartment": "抽查计划的部门",
    "SpotCheckPlanItem": "抽查计划的事项",
    "SupervisionMatter": "监管事项",
    "User": "用户",
}

# The names system principals act under (Principal.system(name)), as people call them.
SYSTEM_ACTORS: dict[str, str] = {
    "cli": "命令行",
    "manage.py import": "命令行（导入文件）",
    "recompute-colours": "命令行（重新评定风险颜色）",
    "seed-demo": "命令行（生成演示数据）",
    "setup": "命令行（初始化）",
    "run-jobs": "系统任务（定时任务）",
    "sign-in": "登录页（尚未登录）",
    "bench": "性能测试",
    "system": "系统任务",
}
SYSTEM_KIND = "SYSTEM"


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def object_type_label(code: str) -> str:
    return OBJECT_TYPES.get(code, code)


@dataclass(frozen=True)
class Actor:
    label: str  # as people read it
    code: str  # as stored


async def actor_label(session: AsyncSession, actor: str, actor_kind: str, department_code: str | None) -> Actor:
    """Who an event's actor is: a user (stored by username), an API token (by its name), the
    command line or a system job. Events written before users were stored by username carry
    the user's display name; those are found by it, after usernames and token names."""
    if actor in SYSTEM_ACTORS:
        return Actor(SYSTEM_ACTORS[actor], actor)
    if actor_kind == SYSTEM_KIND:
        return Actor(f"系统任务（{actor}）", actor)
    user = (
        await session.execute(
            select(User, Department)
            .join(Department, col(Department.id) == User.department_id)
            .where(col(User.username) == actor)
        )
    ).first()
    if user is not None:
        return Actor(_of(f"{user[0].display_name}（{user[0].username}）", user[0].display_name, user[1]), actor)
    tokens = (
        await session.execute(
            select(ApiToken, Department)
            .join(Department, col(Department.id) == ApiToken.department_id)
            .where(col(ApiToken.name) == actor)
        )
    ).all()
    token = next((row for row in tokens if row[1].code == department_code), tokens[0] if tokens else None)
    if token is not None:
        return Actor(_of(f"API 令牌“{token[0].name}”", token[0].name, token[1]), actor)
    named = (
        await session.execute(
            select(User, Department)
            .join(Department, col(Department.id) == User.department_id)
            .where(col(User.display_name) == actor)
        )
    ).first()
    if named is not None:
        return Actor(_of(f"{named[0].display_name}（{named[0].username}）", named[0].display_name, named[1]), actor)
    return Actor(actor, actor)


def _of(who: str, name: str, department: Department) -> str:
    # A department's own account is often named after it: 中山区市场监督管理局 once is enough.
    return who if name == department.name else f"{who} · {department.name}"
