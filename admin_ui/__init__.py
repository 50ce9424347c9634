"""The admin pages at /admin: starlette-admin, in Chinese, writing only through services/.

Adding a catalog page kept by an audited upsert is one UpsertView declaration
(admin_ui.upsert_view) in admin_ui/views/ and one line in `build_admin`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette_admin.i18n import I18nConfig, TimezoneConfig

from admin_ui import colour, highlight
from admin_ui.auth import JianguanAuth
from admin_ui.base import ServiceView
from admin_ui.cookies import AdminCookies
from admin_ui.errors import JianguanAdmin
from admin_ui.text_forms import TextForms
from admin_ui.views.accounts import ApiTokenView, TokenCreateView, UserView
from admin_ui.views.analysis_parameters import AnalysisParametersView
from admin_ui.views.audit_log import AuditEventView
from admin_ui.views.calendar import CalendarDayView
from admin_ui.views.case_inbox import CaseInboxView
from admin_ui.views.catalog_files import CatalogFilesView
from admin_ui.views.catalog_gaps import CatalogGapsView
from admin_ui.views.catalog_versions import CatalogVersionView
from admin_ui.views.check_items import CheckItemView
from admin_ui.views.dashboard import DashboardView
from admin_ui.views.department_import import DepartmentImportView
from admin_ui.views.discipline import DisciplineMeasureView
from admin_ui.views.duty_catalog import SupervisionMatterView
from admin_ui.views.entity_directories import EntityDirectoryView
from admin_ui.views.entity_graph import EntityGraphView
from admin_ui.views.inbox import NoticeInboxView
from admin_ui.views.inspection_tasks import InspectionTasksView, MyInspectionTasksView
from admin_ui.views.inspector_import import InspectorImportView
from admin_ui.views.inspectors import InspectorView
from admin_ui.views.password import PasswordView
from admin_ui.views.performance import PerformanceView
from admin_ui.views.record_import import RecordImportView
from admin_ui.views.referrals import ReferralInboxView
from admin_ui.views.regions_departments import DepartmentView, RegionView
from admin_ui.views.registry import EntityView
from admin_ui.views.result_categories import ResultCategoriesView
from admin_ui.views.risk_parameters import RiskParametersView
from admin_ui.views.spot_check_plans import SpotCheckPlansView
from services.platform.db import Database
from services.platform.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
SESSION_COOKIE = "jianguan_admin"


def build_admin(db: Database, settings: Settings) -> JianguanAdmin:
    admin = JianguanAdmin(
        db.read_sessions,
        title="监管平台管理后台",
        base_url="/admin",
        templates_dir=str(TEMPLATES),
        static_dir=str(STATIC),
        index_view=DashboardView(db),
        auth_provider=JianguanAuth(db),
        secret_key=settings.secret_key,
        middlewares=[
            Middleware(AdminCookies, production=settings.production),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=8 * 3600,
                same_site="lax",
                https_only=settings.production,
            ),
        ],
        # Chinese and Beijing time for everyone, whatever the browser says.
        i18n_config=I18nConfig(default_locale="zh", language_cookie_name=None, language_header_name=None),
        timezone_config=TimezoneConfig(
            default_timezone="Asia/Shanghai",
            timezone_cookie_name=None,
            database_timezone="UTC",
            use_user_locale_timezone=False,
        ),
        crash_page=settings.production,
    )
    # Innermost, after sign-in and CSRF: every posted form meets the text rule before a page reads it.
    admin.middlewares.append(Middleware(TextForms, admin=admin))
    # In menu order. Each of these writes through services, with the database it is given here.
    writers: list[
        ServiceView
        | CaseInboxView[Any, Any]
        | RecordImportView
        | TokenCreateView
        | CatalogFilesView
        | InspectorImportView
        | DepartmentImportView
        | ResultCategoriesView
        | InspectionTasksView
        | MyInspectionTasksView
        | SpotCheckPlansView
        | PasswordView
        | PerformanceView
    ] = [
        NoticeInboxView(),
        ReferralInboxView(),
        RecordImportView(),
        EntityView(),
        CheckItemView(),
        InspectorView(),
        EntityDirectoryView(),
        ResultCategoriesView(),
        SpotCheckPlansView(),
        InspectionTasksView(),
        MyInspectionTasksView(),
        PerformanceView(),
        RegionView(),
        DepartmentView(),
        SupervisionMatterView(),
        DisciplineMeasureView(),
        CatalogVersionView(),
        RiskParametersView(),
        AnalysisParametersView(),
        CalendarDayView(),
        UserView(),
        ApiTokenView(),
        AuditEventView(settings.audit_checkpoints),
        TokenCreateView(),
        CatalogFilesView(),
        InspectorImportView(),
        PasswordView(),
        DepartmentImportView(),
    ]
    for view in writers:
        view.db = db
        admin.add_view(view)
    admin.add_view(CatalogGapsView())
    admin.add_view(EntityGraphView(db))
    colour.install(admin.templates.env)
    highlight.install(admin.templates.env)
    return admin


def mount_admin(app: Starlette, db: Database, settings: Settings) -> None:
    build_admin(db, settings).mount_to(app)
