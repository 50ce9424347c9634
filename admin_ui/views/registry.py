"""The entity registry, read-only here: entries come from the registration authority."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from starlette.requests import Request
from starlette_admin import BaseField, DateField, DateTimeField, EnumField, StringField, TextAreaField
from starlette_admin.filters import FilterGroup
from starlette_admin.types import RequestAction

from admin_ui.auth import principal_of_request
from admin_ui.base import ServiceView
from admin_ui.colour import ColourField
from admin_ui.formats import industry, named, percent, region_names, yuan
from admin_ui.quick_filters import QuickDimension, QuickGroup, quick_groups
from admin_ui.text_filters import search_term
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
from services.platform.access import may_maintain
from services.platform.clock import today
from services.platform.labels import choices, label
from services.registry import search
from services.registry.persons import links_of
from services.registry.regions import districts
from services.registry.registry import former_names

# The matches of a search the list reads at most: a page past them, or an exact total, would read
# every match of a fragment most entities hold (有限公司, 科技) across a million of them.
SEARCH_DEPTH = 1000


async def _persons(request: Request, obj: Any) -> list[dict[str, str]]:
    session: AsyncSession = request.state.session
    return [
        {"role": label(p.role), "name": p.name, "share": percent(p.share_percent), "title": p.title or ""}
        for p in await links_of(session, [obj.id])
    ]


async def _risk(request: Request, obj: Any) -> list[dict[str, str]]:
    """Today's colour explained: each rule that held, with the records behind it."""
    assessed = (await assess(request.state.session, [obj.id], today()))[obj.id]
    if not assessed.reasons:
        return [{"colour": RiskColour.GREEN.value, "text": "无警示规则成立"}]
    lines = []
    for reason in assessed.reasons:
        evidence = "；".join(item.text for item in reason.evidence[:10])
        more = f"等 {len(reason.evidence)} 项" if len(reason.evidence) > 10 else ""
        lines.append({"colour": reason.colour.value, "text": f"{reason.description}：{evidence}{more}"})
    return lines


async def _authority(request: Request, obj: Any) -> str:
    department = await request.state.session.get(Department, obj.registration_authority_id)
    return department.name if department else ""


async def _region(request: Request, obj: Any) -> str:
    """The district by name: alone in the list, with its code on the entity page and in exports."""
    name = (await region_names(request, [obj.region_code])).get(obj.region_code, "")
    if request.state.action == RequestAction.LIST:
        return name or obj.region_code
    return named(name, obj.region_code)


async def _industry(request: Request, obj: Any) -> str:
    return obj.industry_code if request.state.action == RequestAction.LIST else industry(obj.industry_code)


async def _capital(request: Request, obj: Any) -> str | None:
    if obj.registered_capital is None:
        return None
    if request.state.action == RequestAction.EXPORT:
        return str(obj.registered_capital)
    return yuan(obj.registered_capital)


@dataclass
class PersonsField(BaseField):
    """法定代表人、股东、董监高, as a table on the entity page."""

    detail_template: str = "persons.html"


@dataclass
class RiskReasonsField(BaseField):
    """The rules that hold today, each after its colour's badge."""

    detail_template: str = "entity_risk_reasons.html"


@dataclass
class MarkedField(StringField):
    """A text the search box looks in: wraps in the list, the searched text marked."""

    list_template: str = "fields/list/marked.html"


async def _former_names(request: Request, obj: Any) -> str:
    return "；".join((await former_names(request.state.session, [obj.id]))[obj.id])


class EntityView(ServiceView):
    maintainers_only = False
    fields = [
        MarkedField("uscc", label="统一社会信用代码"),
        MarkedField("name", label="名称"),
        StringField("former_names", label="曾用名", getter=_former_names, exclude_from_list=True),
        EnumField("entity_type", label="类型", choices=choices(EntityType)),
        MarkedField("legal_representative", label="法定代表人"),
        StringField("registered_capital", label="注册资本", getter=_capital, exclude_from_list=True),
        DateField("established_on", label="成立日期"),
        EnumField("status", label="状态", choices=choices(EntityStatus)),
        ColourField("risk_colour", label="四色警示"),
        RiskReasonsField(
            "risk_reasons", label="警示依据（今日）", getter=_risk, exclude_from_list=True, exclude_from_export=True
        ),
        StringField("region_code", label="行政区划", getter=_region),
        StringField("address", label="住所", exclude_from_list=True),
        StringField("industry_code", label="行业", getter=_industry),
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
    # Shown below the entity's particulars, each kind as a paged card (templates/entity_detail.html).
    record_fields = ("licenses", "penalties", "complaints", "listings")
    # Search goes through the registry's own rule (get_search_query); the rest are filters.
    searchable_fields = ["name", "uscc", "legal_representative", "status", "risk_colour", "entity_type",
                         "region_code", "industry_code", "established_on", "data_quality_issue"]  # fmt: skip
    sortable_fields = ["uscc", "name", "established_on"]
    fields_default_sort = ["uscc"]
    importers: list[str] = []
    page_size = 25
    list_template = "registry_list.html"
    detail_template = "entity_detail.html"

    def __init__(self) -> None:
        super().__init__(MarketEntity, icon="fa fa-landmark", display_name="市场主体", menu_label="法人库")

    async def repr(self, obj: Any, request: Request) -> str:
        return f"{obj.name}（{obj.uscc}）"

    def can_create(self, request: Request) -> bool:
        return False

    def can_edit(self, request: Request) -> bool:
        return False

    def get_search_query(self, request: Request, term: str) -> Any:
        # searchEntities' match (name, former names, USCC, legal representative, address, persons):
        # what an export reads; the list itself reads through _searched.
        return search.matching(search_term(term), request.state.session)

    async def find_all(
        self,
        request: Request,
        skip: int = 0,
        limit: int = 100,
        q: str | None = None,
        sorts: Sequence[tuple[str, str]] | None = None,
        filters: FilterGroup | None = None,
    ) -> Sequence[Any]:
        term = search_term(q or "")
        found = await (
            self._searched(request, term, skip, limit, sorts, filters)
            if term
            else super().find_all(request, skip, limit, q, sorts, filters)
        )
        # The page's regions by name at once, and the districts the quick filters offer.
        await region_names(request, [entity.region_code for entity in found])
        if request.state.action == RequestAction.LIST:
            request.state.quick_districts = await districts(request.state.session)
        return found

    async def count(self, request: Request, q: str | None = None, filters: FilterGroup | None = None) -> int:
        """With a term, counted no further than SEARCH_DEPTH + 1: the list then says "共 1,000 户以上"."""
        term = search_term(q or "")
        if not term:
            return await super().count(request, q, filters)
        also = await self._filtered(request, filters)
        found = await search.count_found_at_most(request.state.session, term, SEARCH_DEPTH + 1, also)
        request.state.search_capped = found > SEARCH_DEPTH
        return found

    async def _searched(
        self,
        request: Request,
        term: str,
        skip: int,
        limit: int,
        sorts: Sequence[tuple[str, str]] | None,
        filters: FilterGroup | None,
    ) -> Sequence[Any]:
        """What the search box found: the first `skip + limit` of searchEntities' ranking (exact
        name, prefix, elsewhere), each rank read with a LIMIT, so a page costs about a page; never
        past SEARCH_DEPTH, where the list asks for a narrower term."""
        if skip >= SEARCH_DEPTH:
            request.state.search_beyond = True
            return []
        end = min(skip + limit, SEARCH_DEPTH) if limit > 0 else SEARCH_DEPTH
        session: AsyncSession = request.state.session
        also = await self._filtered(request, filters)
        clicked = self._column_chosen(sorts)
        if not clicked:
            if also is None:
                return (await search.search_entities(session, term, end, None)).items[skip:end]
            # Filters beside the term: the first SEARCH_DEPTH + 1 filtered matches, ranked as searchEntities ranks.
            return await search.search_among(session, term, also, skip, end, SEARCH_DEPTH)
        # A column the user chose: that order over every match, paged by OFFSET, which the depth
        # bounds (and the column's index can give the rows in order).
        rows = self.get_list_query(request).where(search.matching(term, session))
        rows = rows if also is None else rows.where(also)
        ordered = self.build_order_clauses(request, sorts or [], rows).order_by(col(MarketEntity.id))
        return list((await session.scalars(ordered.offset(skip).limit(end - skip))).all())

    def _column_chosen(self, sorts: Sequence[tuple[str, str]] | None) -> bool:
        """Whether the list is ordered by a column the user chose: its default order (which the
        search form carries along) and the key alone (the lookup API's) give way to the ranking."""
        default = [(name, "desc" if desc else "asc") for name, desc in self._default_sort()]
        chosen = [(name, way) for name, way in sorts or [] if name != self.pk_attr]
        return bool(chosen) and chosen != default

    async def _filtered(self, request: Request, filters: FilterGroup | None) -> ColumnElement[bool] | None:
        """The list's filters (quick filters, the filter builder) as one condition, None without any."""
        if filters is None or filters.is_empty():
            return None
        return (await self._apply_search_and_filters(request, select(MarketEntity), None, filters)).whereclause

    def search_note(self, request: Request) -> str | None:
        """Why a searched list stops where it does (templates/registry_list.html), if it does."""
        narrower = "请输入更完整的名称、统一社会信用代码或加筛选条件以缩小范围"
        if getattr(request.state, "search_beyond", False):
            return f"检索结果只列出前 {SEARCH_DEPTH:,} 户：{narrower}"
        if self.search_capped(request):
            return f"检索结果超过 {SEARCH_DEPTH:,} 户，只列出前 {SEARCH_DEPTH:,} 户：{narrower}"
        return None

    def search_capped(self, request: Request) -> bool:
        """Whether a searched list found more than SEARCH_DEPTH, where its count stopped."""
        return bool(getattr(request.state, "search_capped", False))

    def search_total(self, request: Request, total: int) -> str:
        """The total beside a list: past SEARCH_DEPTH, the depth, which the words around it call a lower
        bound (templates/registry_list.html), rather than a false count."""
        return f"{SEARCH_DEPTH:,}" if self.search_capped(request) else str(total)

    def search_pages(self, request: Request, pages: int, size: int) -> int:
        """The pages offered: a searched list's end at SEARCH_DEPTH."""
        if not self.search_capped(request) or size <= 0:
            return pages
        return min(pages, -(-SEARCH_DEPTH // size))

    def quick_filters(self, request: Request) -> list[QuickGroup]:
        """One click each: a colour, a district, a status (templates/registry_list.html)."""
        regions = getattr(request.state, "quick_districts", [])
        return quick_groups(
            self,
            request,
            [
                QuickDimension("risk_colour", "四色警示", [(c.value, label(c)) for c in RiskColour], badges=True),
                QuickDimension("region_code", "行政区划", [(r.code, r.name) for r in regions]),
                QuickDimension("status", "状态", [(s.value, label(s)) for s in EntityStatus]),
            ],
        )

    def audit_url(self, request: Request, obj: Any) -> str | None:
        """The audit log filtered to this entity (its events name it by USCC), for those who may read it."""
        if not may_maintain(principal_of_request(request)):
            return None
        listed = request.url_for(f"{request.app.state.ROUTE_NAME}:list", key="audit-event")
        chosen = f"object_type__eq=MarketEntity AND object_id__eq={obj.uscc}"
        url = listed.include_query_params(filter=chosen)
        return f"{url.path}?{url.query}"
