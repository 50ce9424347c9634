"""The entity registry, read-only here: entries come from the registration authority."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette_admin import BaseField, DateField, DateTimeField, DecimalField, EnumField, StringField, TextAreaField

from admin_ui.base import ServiceView
from admin_ui.export import CSV
from admin_ui.views.entity_records import (
    ComplaintsField,
    LicensesField,
    ListingsField,
    PenaltiesField,
    complaints_of,
    licenses_of,
    listings_of,
    penalties_of,
)
from models import Department, MarketEntity
from models.enums import DataQualityIssue, EntityStatus, EntityType, RiskColour
from services.credit.risk import assess
from services.platform.clock import today
from services.platform.labels import choices, label
from services.registry.persons import links_of
from services.registry.registry import EntityFilter, entity_conditions


async def _persons(request: Request, obj: Any) -> list[dict[str, str]]:
    session: AsyncSession = request.state.session
    return [
        {
            "role": label(p.role),
            "name": p.name,
            "share": f"{p.share_percent.normalize()}%" if p.share_percent is not None else "",
            "title": p.title or "",
        }
        for p in await links_of(session, [obj.id])
    ]


async def _risk(request: Request, obj: Any) -> str:
    """Today's colour explained: each rule that held, with the records behind it."""
    assessed = (await assess(request.state.session, [obj.id], today()))[obj.id]
    if not assessed.reasons:
        return f"{label(RiskColour.GREEN)}：无警示规则成立"
    lines = []
    for reason in assessed.reasons:
        evidence = "；".join(item.text for item in reason.evidence[:10])
        more = f"等 {len(reason.evidence)} 项" if len(reason.evidence) > 10 else ""
        lines.append(f"{label(reason.colour)}｜{reason.description}：{evidence}{more}")
    return "\n".join(lines)


async def _authority(request: Request, obj: Any) -> str:
    department = await request.state.session.get(Department, obj.registration_authority_id)
    return department.name if department else ""


@dataclass
class PersonsField(BaseField):
    """法定代表人、股东、董监高, as a table on the entity page."""

    detail_template: str = "persons.html"


class EntityView(ServiceView):
    maintainers_only = False
    fields = [
        StringField("uscc", label="统一社会信用代码"),
        StringField("name", label="名称"),
        EnumField("entity_type", label="类型", choices=choices(EntityType)),
        StringField("legal_representative", label="法定代表人"),
        DecimalField("registered_capital", label="注册资本（元）", exclude_from_list=True),
        DateField("established_on", label="成立日期"),
        EnumField("status", label="状态", choices=choices(EntityStatus)),
        EnumField("risk_colour", label="四色警示", choices=choices(RiskColour)),
        TextAreaField(
            "risk_reasons", label="警示依据（今日）", getter=_risk, exclude_from_list=True, exclude_from_export=True
        ),
        StringField("region_code", label="行政区划"),
        StringField("address", label="住所", exclude_from_list=True),
        StringField("industry_code", label="行业代码"),
        TextAreaField("business_scope", label="经营范围", exclude_from_list=True),
        StringField("registration_authority", label="登记机关", getter=_authority, exclude_from_list=True),
        EnumField(
            "data_quality_issue", label="数据质量问题", choices=choices(DataQualityIssue), exclude_from_list=True
        ),
        PersonsField("persons", label="相关人员", getter=_persons, exclude_from_list=True, exclude_from_export=True),
        LicensesField(
            "licenses", label="行政许可", getter=licenses_of, exclude_from_list=True, exclude_from_export=True
        ),
        PenaltiesField(
            "penalties", label="行政处罚", getter=penalties_of, exclude_from_list=True, exclude_from_export=True
        ),
        ComplaintsField(
            "complaints", label="12345投诉", getter=complaints_of, exclude_from_list=True, exclude_from_export=True
        ),
        ListingsField("listings", label="名录", getter=listings_of, exclude_from_list=True, exclude_from_export=True),
        DateTimeField("updated_at", label="最近变更", exclude_from_list=True),
    ]
    # Search goes through the registry's own rule (get_search_query); the rest are filters.
    searchable_fields = ["name", "uscc", "legal_representative", "status", "risk_colour", "entity_type",
                         "region_code", "industry_code", "established_on", "data_quality_issue"]  # fmt: skip
    sortable_fields = ["uscc", "name", "established_on"]
    fields_default_sort = ["uscc"]
    exporters = CSV
    importers: list[str] = []
    page_size = 25

    def __init__(self) -> None:
        super().__init__(MarketEntity, icon="fa fa-landmark", display_name="市场主体", menu_label="法人库")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.uscc}）"

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False

    def get_search_query(self, request: Request, term: str) -> Any:
        # The registry's own search rule (name, USCC prefix, legal representative, persons).
        from sqlalchemy import and_

        return and_(*entity_conditions(EntityFilter(text=term)))
