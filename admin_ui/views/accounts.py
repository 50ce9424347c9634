"""Users and API tokens: maintainers only. A new token is shown once, on the page that
created it, and never stored or sent anywhere else; only its hash remains."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import BooleanField, DateTimeField, EnumField, PasswordField, StringField
from starlette_admin.actions import ActionSelection, action, row_action
from starlette_admin.exceptions import ActionFailed
from starlette_admin.flash import flash
from starlette_admin.routing import route
from starlette_admin.views import CustomView

from admin_ui.auth import principal_of_request
from admin_ui.base import ServiceView, choice, form_errors, run_as, value_of
from models import ApiToken, Department, User
from models.enums import Role
from services.accounts.lockout import is_locked
from services.accounts.tokens import create_token, revoke_tokens
from services.accounts.users import UserInput, create_user, unlock_user, update_user
from services.platform.access import may_maintain
from services.platform.ids import row_id
from services.platform.labels import choices, label


async def _department(request: Request, obj: Any) -> Department | None:
    department: Department | None = await request.state.session.get(Department, obj.department_id)
    return department


async def department_code(request: Request, obj: Any) -> str:
    department = await _department(request, obj)
    return department.code if department else ""


async def department_name(request: Request, obj: Any) -> str:
    department = await _department(request, obj)
    return department.name if department else ""


def secret_field(name: str, text: str, help_text: str) -> PasswordField:
    field = PasswordField(name, label=text, help_text=help_text, exclude_from_list=True, exclude_from_detail=True,
                          exclude_from_export=True)  # fmt: skip
    field.form_template = "fields/form/secret.html"
    return field


class UserView(ServiceView):
    fields = [
        StringField("username", label="用户名"),
        StringField("display_name", label="姓名"),
        secret_field("password", "密码", "新建时必填，至少 10 个字符；修改时填写即重置密码并解除锁定"),
        EnumField("role", label="角色", choices=choices(Role)),
        StringField("department_code", label="部门代码", getter=department_code),
        StringField(
            "department_name", label="部门", getter=department_name, exclude_from_create=True, exclude_from_edit=True
        ),
        BooleanField("is_active", label="启用"),
        DateTimeField("last_login_at", label="最近登录", exclude_from_create=True, exclude_from_edit=True),
        DateTimeField("locked_until", label="锁定至", exclude_from_create=True, exclude_from_edit=True),
    ]
    exclude_fields_from_edit = ["username", "display_name", "role", "department_code"]
    exclude_fields_from_create = ["is_active"]
    searchable_fields = ["username", "display_name", "role", "is_active"]
    sortable_fields = ["username", "display_name", "last_login_at"]
    fields_default_sort = ["username"]
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(User, icon="fa fa-users", display_name="用户", menu_label="用户")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.display_name}（{obj.username}）"

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        user_input = UserInput(
            value_of(data, "username"),
            value_of(data, "display_name"),
            str(data.get("password") or ""),
            choice(data, "role", Role),
            value_of(data, "department_code"),
        )
        return await self.change(request, lambda session: create_user(session, user_input))

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        current = await self.existing(request, pk)
        active, password = bool(data.get("is_active")), str(data.get("password") or "") or None
        return await self.change(request, lambda session: update_user(session, current.username, active, password))

    async def is_row_action_allowed_for_obj(self, request: Request, name: str, obj: Any) -> bool:
        if name == "unlock":
            return isinstance(obj, User) and is_locked(obj) and may_maintain(principal_of_request(request))
        return await super().is_row_action_allowed_for_obj(request, name, obj)

    @row_action(name="unlock", text="解除锁定", confirmation="解除锁定后该用户可立即再次尝试登录，确定解除吗？",
                submit_btn_text="解除锁定", icon_class="fa fa-unlock", action_btn_class="btn btn-warning")  # fmt: skip
    async def unlock_row_action(self, request: Request, pk: Any) -> None:
        # The page is for maintainers only, and the service asks again: a forged POST gets nowhere.
        current = await self.existing(request, pk)
        done, problems = await run_as(self.db, request, lambda session: unlock_user(session, current.username))
        if problems or done is None:
            raise ActionFailed("；".join(p.message for p in problems))
        flash(request, f"已解除用户“{current.username}”的锁定", "success")


class ApiTokenView(ServiceView):
    fields = [
        StringField("name", label="名称"),
        StringField("department_code", label="部门代码", getter=department_code),
        StringField("department_name", label="部门", getter=department_name),
        EnumField("role", label="角色", choices=choices(Role)),
        DateTimeField("created_at", label="创建时间"),
        DateTimeField("revoked_at", label="吊销时间"),
    ]
    searchable_fields = ["name", "role", "created_at", "revoked_at"]
    sortable_fields = ["name", "created_at"]
    fields_default_sort = [("created_at", True)]
    actions = ["revoke"]
    importers: list[str] = []

    def __init__(self) -> None:
        super().__init__(ApiToken, icon="fa fa-key", display_name="API 令牌", menu_label="API 令牌")

    def can_create(self, request: Request) -> bool:
        return False  # on its own page (TokenCreateView): the new token must not pass through a redirect

    def can_edit(self, request: Request) -> bool:
        return False

    @action(name="revoke", text="吊销", confirmation="吊销后使用这些令牌的系统将无法访问，确定吊销吗？",
            submit_btn_text="确定吊销", submit_btn_class="btn btn-danger")  # fmt: skip
    async def revoke_action(self, request: Request, selection: ActionSelection) -> str:
        ids = [found for pk in await selection.pks() if (found := row_id(pk)) is not None]
        revoked, problems = await run_as(self.db, request, lambda session: revoke_tokens(session, ids))
        if problems or revoked is None:
            raise ActionFailed("；".join(p.message for p in problems))
        return f"已吊销 {revoked} 个令牌"


class TokenCreateView(CustomView):
    """新建 API 令牌: the plain token is rendered once, on this response only."""

    def __init__(self) -> None:
        super().__init__(menu_label="新建 API 令牌", icon="fa fa-plus", path="/api-token-new")
        self.db: Any = None

    def is_accessible(self, request: Request) -> bool:
        return may_maintain(principal_of_request(request))

    def _page(self, request: Request, **context: Any) -> Response:
        assert self.templates is not None
        defaults: dict[str, Any] = {
            "form": {"role": Role.DEPARTMENT.value},
            "errors": {},
            "general_errors": [],
            "token": None,
        }
        response = self.templates.TemplateResponse(
            request=request,
            name="token_new.html",
            context={"title": "新建 API 令牌", "roles": choices(Role), **defaults, **context},
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @route("", methods=["GET", "POST"], name="api-token-new")
    async def index(self, request: Request) -> Response:
        if request.method == "GET":
            return self._page(request)
        form = {key: str(value).strip() for key, value in (await request.form()).items()}
        role = Role(form["role"]) if form.get("role") in Role.__members__ else Role.DEPARTMENT
        created, problems = await run_as(
            self.db,
            request,
            lambda session: create_token(session, form.get("department_code", ""), role, form.get("name", "")),
        )
        if problems or created is None:
            errors = form_errors(problems).errors
            general = [str(v) for k, v in errors.items() if k not in ("name", "department_code")]
            return self._page(request, form=form, errors=errors, general_errors=general)
        token, plain = created
        async with self.db.session(principal_of_request(request)) as session:
            department = await session.get(Department, token.department_id)
        return self._page(
            request,
            token=plain,
            name=token.name,
            department=department.name if department else "",
            role_label=label(token.role),
            list_url=str(request.url_for("admin:list", key="api-token")),
        )
