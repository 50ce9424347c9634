"""The root Query and Mutation types."""

from __future__ import annotations

import strawberry

from resolvers import calendar, catalog, catalog_versions, publicity, records, registry, subscriptions, viewer
from resolvers import listings as listing_resolvers
from resolvers import notices as notice_resolvers
from resolvers import record_import as record_import_resolvers
from resolvers import referrals as referral_resolvers
from resolvers import risk as risk_resolvers
from schema import record_import as record_import_types
from schema import risk as risk_types
from schema import types as t


@strawberry.type
class Query:
    viewer = strawberry.field(resolver=viewer.viewer, graphql_type=t.Viewer, description="当前调用方 / The caller.")
    entity = strawberry.field(
        resolver=registry.entity,
        graphql_type=t.MarketEntity | None,
        description=(
            "按统一社会信用代码查询主体；辖区外或不存在时为 null / "
            "One entity by USCC; null when unknown or outside the caller's jurisdiction."
        ),
    )
    entities = strawberry.field(
        resolver=registry.entities,
        graphql_type=t.Connection[t.MarketEntity],
        description=(
            "法人库列表（按统一社会信用代码排序，first 最大 100）/ The registry, in USCC order; `first` at most 100."
        ),
    )
    search_entities = strawberry.field(
        resolver=registry.search_entities,
        graphql_type=t.Connection[t.MarketEntity],
        description="按名称、统一社会信用代码或法定代表人检索 / Search by name, USCC or legal representative.",
    )
    departments = strawberry.field(
        resolver=catalog.departments, graphql_type=list[t.Department], description="部门 / Departments."
    )
    regions = strawberry.field(resolver=catalog.regions, graphql_type=list[t.Region], description="行政区划 / Regions.")
    notices = strawberry.field(
        resolver=notice_resolvers.notices,
        graphql_type=t.Connection[t.Notice],
        description="本部门的告知（维护人员可见全部）/ The caller's department's notices; all for maintainers.",
    )
    open_pool = strawberry.field(
        resolver=notice_resolvers.open_pool,
        graphql_type=t.Connection[t.MarketEntity],
        description="待认领池：无部门承接的主体 / Entities no department holds: unmatched, or all notices returned.",
    )
    referrals = strawberry.field(
        resolver=referral_resolvers.referrals,
        graphql_type=t.Connection[t.Referral],
        description=(
            "本部门发出和收到的联动告知，按发送先后（维护人员可见全部）/ The caller's department's referrals, sent and "
            "received, oldest first (poll with `after` for new ones); maintainers read every department's."
        ),
    )
    supervision_matters = strawberry.field(
        resolver=catalog.supervision_matters,
        graphql_type=list[t.SupervisionMatter],
        description="监管职责目录（可按生效日期筛选）/ The duty catalog, optionally as in force on a day.",
    )
    catalog_versions = strawberry.field(
        resolver=catalog_versions.catalog_versions,
        graphql_type=list[t.CatalogVersion],
        description="已发布的目录版本，最新在前 / Published catalog versions, newest first.",
    )
    calendar_days = strawberry.field(
        resolver=calendar.calendar_days,
        graphql_type=list[t.CalendarDay],
        description="工作日历（含周末与节假日，最多 800 天）/ Working days from `from` to `to`, at most 800 days.",
    )
    rule_parameters = strawberry.field(
        resolver=risk_resolvers.rule_parameters,
        graphql_type=risk_types.RuleParameters,
        description="四色警示规则参数（当前生效）/ The colour rules' thresholds in force.",
    )
    publicity = strawberry.field(
        resolver=publicity.publicity,
        graphql_type=t.Publicity | None,
        description="公示信息，无需登录 / Public information about one entity; no login needed.",
    )
    listings = strawberry.field(
        resolver=listing_resolvers.listings,
        graphql_type=t.Connection[t.Listing],
        description=(
            "经营异常名录、严重违法失信名单记录（辖区内主体），新的在前 / "
            "Listings of the entities the caller may see, newest first."
        ),
    )
    discipline = strawberry.field(
        resolver=listing_resolvers.discipline,
        graphql_type=t.DisciplineVerdict | None,
        description=(
            "联合惩戒：主体今天应受的限制（全市主体，不受辖区限制）；主体不存在时为 null / "
            "What discipline applies to any entity of the city today; null when unknown."
        ),
    )
    discipline_measures = strawberry.field(
        resolver=listing_resolvers.discipline_measures,
        graphql_type=list[t.DisciplineMeasure],
        description="惩戒措施目录 / The discipline-measure catalog.",
    )


@strawberry.type
class Mutation:
    register_entity = strawberry.field(
        resolver=registry.register_entity,
        graphql_type=t.RegisterEntityPayload,
        description="登记机关报送新设立或变更登记 / Registry intake from the registration authority.",
    )
    record_license = strawberry.field(
        resolver=records.record_license,
        graphql_type=t.RecordLicensePayload,
        description="报送行政许可；同一来源部门与文书号重复报送不产生变化 / Record a license (idempotent).",
    )
    record_penalty = strawberry.field(
        resolver=records.record_penalty,
        graphql_type=t.RecordPenaltyPayload,
        description="报送行政处罚；吊销许可证件时标记被吊销的许可 / Record a penalty; revocation revokes the license.",
    )
    withdraw_penalty = strawberry.field(
        resolver=records.withdraw_penalty,
        graphql_type=t.WithdrawPenaltyPayload,
        description="撤销行政处罚（其吊销的许可恢复有效）/ Withdraw a penalty; a license it revoked is restored.",
    )
    repair_penalty = strawberry.field(
        resolver=records.repair_penalty,
        graphql_type=t.RepairPenaltyPayload,
        description="信用修复：处罚决定不变，提前结束公示 / Credit repair: the penalty leaves the public view early.",
    )
    record_complaint = strawberry.field(
        resolver=records.record_complaint,
        graphql_type=t.RecordComplaintPayload,
        description="报送 12345 投诉 / Record a hotline complaint (idempotent per reference).",
    )
    import_records = strawberry.field(
        resolver=record_import_resolvers.import_records,
        graphql_type=record_import_types.ImportRecordsPayload,
        description=(
            "批量导入行政许可、行政处罚或 12345 投诉（CSV 或 XLSX，multipart 上传，表头为双公示中文名称或"
            " XK_*/CF_* 代码），逐行报告；dryRun 只报告不保存；allOrNothing 有任何一行被拒绝则整个文件不导入 / "
            "Import a CSV or XLSX file of records (multipart upload); row-by-row report."
        ),
    )
    claim_notice = strawberry.field(
        resolver=notice_resolvers.claim_notice,
        graphql_type=t.ClaimNoticePayload,
        description="认领告知；同时认领时只有一个成功 / Claim a notice; of two claims at once exactly one wins.",
    )
    forward_notice = strawberry.field(
        resolver=notice_resolvers.forward_notice,
        graphql_type=t.ClaimNoticePayload,
        description="转交：原告知为 FORWARDED，向接收部门推送新告知 / Forward; returns the new notice.",
    )
    return_notice = strawberry.field(
        resolver=notice_resolvers.return_notice,
        graphql_type=t.ClaimNoticePayload,
        description="退回（非本部门事项）/ Return as not this department's matter.",
    )
    give_notice_feedback = strawberry.field(
        resolver=notice_resolvers.give_notice_feedback,
        graphql_type=t.ClaimNoticePayload,
        description="双反馈 / Feedback after claiming.",
    )
    claim_from_pool = strawberry.field(
        resolver=notice_resolvers.claim_from_pool,
        graphql_type=t.ClaimNoticePayload,
        description="从待认领池认领 / Claim an entity from the open pool for a catalog matter.",
    )
    send_referral = strawberry.field(
        resolver=referral_resolvers.send_referral,
        graphql_type=t.ReferralPayload,
        description="联动告知：向其他部门告知某主体的情况 / Alert another department about an entity.",
    )
    acknowledge_referral = strawberry.field(
        resolver=referral_resolvers.acknowledge_referral,
        graphql_type=t.ReferralPayload,
        description="签收联动告知（接收部门）；同时签收时只有一个成功 / Acknowledge a referral received.",
    )
    handle_referral = strawberry.field(
        resolver=referral_resolvers.handle_referral,
        graphql_type=t.ReferralPayload,
        description="办结联动告知并写明办理结果（接收部门）/ Close a referral received, with its outcome.",
    )
    upsert_supervision_matter = strawberry.field(
        resolver=catalog.upsert_supervision_matter,
        graphql_type=t.UpsertSupervisionMatterPayload,
        description="维护监管事项 / Keep a duty-catalog entry (maintainers).",
    )
    publish_catalog_version = strawberry.field(
        resolver=catalog_versions.publish_catalog_version,
        graphql_type=t.PublishCatalogVersionPayload,
        description="发布目录版本（如“2026版”），此后新告知按该版本推送 / Publish the catalog (maintainers).",
    )
    set_calendar_days = strawberry.field(
        resolver=calendar.set_calendar_days,
        graphql_type=t.SetCalendarDaysPayload,
        description="维护节假日与调休 / Keep holidays and 调休 working days (maintainers).",
    )
    set_rule_parameters = strawberry.field(
        resolver=risk_resolvers.set_rule_parameters,
        graphql_type=risk_types.SetRuleParametersPayload,
        description=(
            "维护四色警示规则参数（维护人员；留痕；自下次评定起生效，已存储的颜色由下次重算更新）/ "
            "Set the colour thresholds (maintainers; audited; from the next evaluation)."
        ),
    )
    upsert_region = strawberry.field(
        resolver=catalog.upsert_region, graphql_type=t.UpsertRegionPayload, description="维护行政区划 / Keep a region."
    )
    upsert_department = strawberry.field(
        resolver=catalog.upsert_department,
        graphql_type=t.UpsertDepartmentPayload,
        description="维护部门 / Keep a department.",
    )
    list_entity = strawberry.field(
        resolver=listing_resolvers.list_entity,
        graphql_type=t.ListEntityPayload,
        description=(
            "列入经营异常名录（主体的登记机关）或严重违法失信名单（登记机关）/ "
            "List an entity: abnormal operation by its registration authority, serious list by a regulator."
        ),
    )
    delist_entity = strawberry.field(
        resolver=listing_resolvers.delist_entity,
        graphql_type=t.DelistEntityPayload,
        description="移出名录 / Remove an entity from a list it stands on.",
    )
    upsert_discipline_measure = strawberry.field(
        resolver=listing_resolvers.upsert_discipline_measure,
        graphql_type=t.UpsertDisciplineMeasurePayload,
        description="维护惩戒措施目录 / Keep a discipline measure (maintainers).",
    )


@strawberry.type
class Subscription:
    notice_pushed = strawberry.subscription(
        resolver=subscriptions.notice_pushed,
        graphql_type=t.Notice,
        description=(
            "推送到本部门的告知（graphql-transport-ws，connection_init 带 authorization: Bearer <令牌>）；"
            "维护人员可用 departmentCode 指定部门，否则为全部部门；afterId 先补发编号更大的告知 / "
            "Notices as they are pushed to the caller's department (maintainers: `departmentCode`, or every "
            "department). With `afterId`, first the caller's notices with a larger id, oldest first."
        ),
    )
