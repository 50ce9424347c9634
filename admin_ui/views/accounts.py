"""Users and API tokens: maintainers only. A new token is shown once, then only its hash remains."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette_admin import BooleanField, DateTimeField, EnumField, PasswordField, StringField
from starlette_admin.actions import ActionSelection, action
from starlette_admin.flash import flash

from admin_ui.base import ServiceView, value_of
from admin_ui.labels import choices
from models import ApiToken, Department, User
from models.enums import Role
from services.tokens import create_token, revoke_token
from services.users import UserInput, create_user, set_active


async def department_code(request: Request, obj: Any) -> str:
    department = await request.state.session.get(Department, obj.department_id)
    return f"{department.code} {department.name}" if department else ""


class UserView(ServiceView):
    fields = [
        StringField("username", label="用户名"),
        StringField("display_name", label="姓名"),
        PasswordField(
            "password",
            label="密码",
            help_text="至少 10 个字符",
            exclude_from_list=True,
            exclude_from_detail=True,
            exclude_from_edit=True,
        ),
        EnumField("role", label="角色", choices=choices(Role)),
        StringField("department_code", label="部门代码", getter=department_code),
        BooleanField("is_active", label="启用"),
        DateTimeField("last_login_at", label="最近登录", exclude_from_create=True, exclude_from_edit=True),
        DateTimeField("locked_until", label="锁定至", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["username", "display_name", "role", "department_code"]
    exclude_fields_from_create = ["is_active"]
    searchable_fields = ["username", "display_name"]
    sortable_fields = ["username", "display_name", "last_login_at"]
    fields_default_sort = ["username"]
    exporters = ["csv"]
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(User, icon="fa fa-users", display_name="用户", menu_label="用户")

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        code = value_of(data, "department_code").split(" ")[0]
        user_input = UserInput(
            value_of(data, "username"),
            value_of(data, "display_name"),
            str(data.get("password") or ""),
            Role(value_of(data, "role") or Role.DEPARTMENT.value),
            code,
        )
        return await self.change(request, lambda session: create_user(session, user_input))

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.find_by_pk(request, pk)
        active = bool(data.get("is_active"))
        return await self.change(request, lambda session: set_active(session, current.username, active))


class ApiTokenView(ServiceView):
    fields = [
        StringField("name", label="名称"),
        StringField("department_code", label="部门代码", getter=department_code),
        EnumField("role", label="角色", choices=choices(Role)),
        DateTimeField("created_at", label="创建时间", exclude_from_create=True),
        DateTimeField("revoked_at", label="吊销时间", exclude_from_create=True),
    ]
    exclude_fields_from_list = ["token_hash"]
    searchable_fields = ["name"]
    sortable_fields = ["name", "created_at"]
    fields_default_sort = [("created_at", True)]
    actions = ["revoke"]
    exporters: list[str] = []
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(ApiToken, icon="fa fa-key", display_name="API 令牌", menu_label="API 令牌")

    def can_edit(self, request: Request) -> bool:
        return False

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        code = value_of(data, "department_code").split(" ")[0]
        role = Role(value_of(data, "role") or Role.DEPARTMENT.value)
        name = value_of(data, "name")
        token, plain = await self.change(request, lambda session: create_token(session, code, role, name))
        flash(request, f"新令牌（只显示这一次，请立即复制）：{plain}", "success")
        return token

    @action(
        name="revoke",
        text="吊销",
        confirmation="吊销后使用这些令牌的系统将无法访问，确定吊销吗？",
        submit_btn_text="确定吊销",
        submit_btn_class="btn btn-danger",
    )
    async def revoke_action(self, request: Request, selection: ActionSelection) -> str:
        pks = await selection.pks()
        for pk in pks:
            token_id = int(pk)
            await self.change(request, lambda session: revoke_token(session, token_id))  # noqa: B023
        return f"已吊销 {len(pks)} 个令牌"
