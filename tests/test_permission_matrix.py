"""Every query and mutation of the schema, found by introspection, run as each kind of
caller. Who may run it at all is services.platform.access.PERMISSIONS (the table the services
check): a caller it leaves out must be refused (UNAUTHENTICATED or FORBIDDEN), a caller it lets
in must reach the operation, with the outcome its row here expects. An operation without a row,
or without a permission, fails the test: each new operation must say who may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from services.accounts.tokens import authenticate
from services.platform.access import PERMISSIONS, Operation, allows
from services.platform.db import Database
from services.platform.principal import Principal
from tests.conftest import Api, DemoCity
from tests.support.entities import new_code, registration
from tests.support.lists import IMPORT_HEADER, check_item, inspector
from tests.support.record_files import PENALTY_HEADER, graphql_upload, penalty_row
from tests.support.records import license, penalty

ROLES = ("anonymous", "district", "other_district", "city", "district_health", "maintainer")
# District_health (中山区卫生健康局) is no registration authority; the three others are.
DEPARTMENTS = ("district", "other_district", "city", "district_health")
AUTHORITIES = ("district", "other_district", "city")
OK, DENIED, HIDDEN = "ok", "denied", "hidden"
OWN_DEPARTMENT = {"district": "SCJG-210202", "other_district": "SCJG-210203", "city": "SCJG-210200",
                  "district_health": "WJ-210202"}  # fmt: skip


def refused(code: str) -> str:
    """Reached the rule, which refused it as data (a payload error with this code)."""
    return f"refused:{code}"


@dataclass(frozen=True)
class Row:
    """How to probe one operation, and the outcome for each caller the permission lets in (OK
    unless named): refused by a rule as data, or hidden (the rows policy leaves nothing to see)."""

    document: str
    variables: Callable[[DemoCity, str], dict[str, Any]]
    outcomes: dict[str, str] = field(default_factory=dict)
    hidden_when: Callable[[Any], bool] = lambda data: False
    upload: Callable[[DemoCity], tuple[str, bytes]] | None = None  # sent as the variable `file`


# Notice casework: the notice does not exist, or is not the caller's.
CASEWORK = dict.fromkeys(DEPARTMENTS, refused("NOTICE_NOT_FOUND"))


# A department records for the entities it may see; a maintainer must say for which department.
RECORDS = {"other_district": refused("UNKNOWN_ENTITY"), "maintainer": refused("DEPARTMENT_REQUIRED")}

# A district department sees only its district's entities.
OTHER_DISTRICT_HIDDEN = {"other_district": HIDDEN}


def _penalty_file(city: DemoCity) -> tuple[str, bytes]:
    row = penalty_row(city.zhongshan[0], 来源="")
    return "处罚.csv", (",".join(PENALTY_HEADER) + "\n" + ",".join(row) + "\n").encode()


def _inspector_file(city: DemoCity) -> tuple[str, bytes]:
    rows = [IMPORT_HEADER, ("李建国", "", "21020200001", "2024-01-01", "2029-12-31", "是")]
    return "人员.csv", "\n".join(",".join(row) for row in rows).encode()


def _register_vars(city: DemoCity, role: str) -> dict[str, Any]:
    extra = {"departmentCode": "SCJG-210202"} if role == "maintainer" else {}
    return {"input": registration(uscc=new_code(), **extra)}


MATRIX: dict[str, Row] = {
    "Query.viewer": Row("{ viewer { kind } }", lambda c, r: {}, {}),
    "Query.entity": Row(
        "query($u: String!) { entity(uscc: $u) { uscc } }",
        lambda c, r: {"u": c.zhongshan[0]},
        OTHER_DISTRICT_HIDDEN,
        hidden_when=lambda data: data["entity"] is None,
    ),
    "Query.entities": Row(
        '{ entities(filter: {regionCode: "210202"}) { edges { node { uscc } } } }',
        lambda c, r: {},
        OTHER_DISTRICT_HIDDEN,
        hidden_when=lambda data: data["entities"]["edges"] == [],
    ),
    "Query.searchEntities": Row(
        "query($t: String!) { searchEntities(text: $t) { edges { node { uscc } } } }",
        lambda c, r: {"t": c.zhongshan[0]},
        OTHER_DISTRICT_HIDDEN,
        hidden_when=lambda data: data["searchEntities"]["edges"] == [],
    ),
    "Query.departments": Row("{ departments { code } }", lambda c, r: {}, {}),
    "Query.regions": Row("{ regions { code } }", lambda c, r: {}, {}),
    "Query.notices": Row("{ notices { edges { node { id status } } } }", lambda c, r: {}, {}),
    "Query.openPool": Row("{ openPool { totalCount } }", lambda c, r: {}, {}),
    "Query.supervisionMatters": Row("{ supervisionMatters { code } }", lambda c, r: {}, {}),
    "Query.calendarDays": Row(
        '{ calendarDays(from: "2026-10-01", to: "2026-10-10") { date isWorkday name } }',
        lambda c, r: {},
        {},
    ),
    # A department reads its own performance (another's is FORBIDDEN: tests/test_performance.py).
    "Query.departmentPerformance": Row(
        'query($c: String!) { departmentPerformance(departmentCode: $c, from: "2026-10-01", to: "2026-10-31")'
        " { notices { received } } }",
        lambda c, r: {"c": OWN_DEPARTMENT.get(r, "SCJG-210202")},
        {},
    ),
    "Query.ruleParameters": Row("{ ruleParameters { windowDays } }", lambda c, r: {}, {}),
    "Query.publicity": Row(
        "query($u: String!) { publicity(uscc: $u) { name } }",
        lambda c, r: {"u": c.zhongshan[0]},
        {},
    ),
    "Mutation.registerEntity": Row(
        "mutation($input: RegisterEntityInput!) { registerEntity(input: $input) { entity { uscc } errors { code } } }",
        _register_vars,
        {"other_district": refused("REGION_OUT_OF_JURISDICTION")},
    ),
    "Mutation.claimNotice": Row(
        'mutation { claimNotice(id: "999999") { notice { id } errors { code } } }',
        lambda c, r: {},
        CASEWORK,
    ),
    "Mutation.forwardNotice": Row(
        'mutation { forwardNotice(id: "999999", toDepartmentCode: "WJ-210203", reason: "非本辖区")'
        " { errors { code } } }",
        lambda c, r: {},
        CASEWORK,
    ),
    "Mutation.returnNotice": Row(
        'mutation { returnNotice(id: "999999", reason: "非本部门事项") { errors { code } } }',
        lambda c, r: {},
        CASEWORK,
    ),
    "Mutation.giveNoticeFeedback": Row(
        'mutation { giveNoticeFeedback(id: "999999", input: {kind: NO_LICENSE_NEEDED}) { errors { code } } }',
        lambda c, r: {},
        CASEWORK,
    ),
    "Mutation.claimFromPool": Row(
        'mutation { claimFromPool(uscc: "91350100M000100Y43", matterCode: "SP-XS") { errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("NOT_IN_POOL")),
    ),
    "Query.referrals": Row("{ referrals { totalCount edges { node { id status } } } }", lambda c, r: {}, {}),
    "Mutation.sendReferral": Row(
        "mutation($i: SendReferralInput!) { sendReferral(input: $i) { referral { id } errors { code } } }",
        lambda c, r: {"i": {"uscc": c.zhongshan[0], "toDepartmentCode": "WJ-210202", "message": "检查发现问题"}},
        # Referral casework is a department's; a 西岗区 department cannot see a 中山区 entity to refer it.
        {"other_district": refused("UNKNOWN_ENTITY"), "district_health": refused("SAME_DEPARTMENT")},
    ),
    "Mutation.acknowledgeReferral": Row(
        'mutation { acknowledgeReferral(id: "999999") { referral { id } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("REFERRAL_NOT_FOUND")),
    ),
    "Mutation.handleReferral": Row(
        'mutation { handleReferral(id: "999999", outcome: "已处理") { referral { id } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("REFERRAL_NOT_FOUND")),
    ),
    "Mutation.upsertSupervisionMatter": Row(
        'mutation { upsertSupervisionMatter(input: {code: "T-1", name: "测试事项", mode: APPROVAL, legalBasis: "某法",'
        ' line: "WJ", approvalLevel: DISTRICT, effectiveFrom: "2026-01-01", keywords: ["测试"]}) { errors { code } } }',
        lambda c, r: {},
        {},
    ),
    "Mutation.publishCatalogVersion": Row(
        'mutation { publishCatalogVersion(name: "2026版第二次发布") { errors { code } } }',
        lambda c, r: {},
        # The demo catalog is published and unchanged since: the maintainer reaches the rule that says so.
        {"maintainer": refused("CATALOG_UNCHANGED")},
    ),
    "Query.catalogVersions": Row(
        "{ catalogVersions { name matterCount } }",
        lambda c, r: {},
        {},
        hidden_when=lambda data: data["catalogVersions"] == [],
    ),
    "Mutation.recordLicense": Row(
        "mutation($i: RecordLicenseInput!) { recordLicense(input: $i) { errors { code } } }",
        lambda c, r: {"i": license(c.zhongshan[0])},
        RECORDS,
    ),
    "Mutation.recordPenalty": Row(
        "mutation($i: RecordPenaltyInput!) { recordPenalty(input: $i) { errors { code } } }",
        lambda c, r: {"i": penalty(c.zhongshan[0])},
        RECORDS,
    ),
    "Mutation.recordComplaint": Row(
        "mutation($i: RecordComplaintInput!) { recordComplaint(input: $i) { errors { code } } }",
        lambda c, r: {
            "i": {"uscc": c.zhongshan[0], "reference": "12345-1", "receivedOn": "2026-11-01", "category": "OTHER"}
        },
        RECORDS,
    ),
    "Mutation.repairPenalty": Row(
        'mutation { repairPenalty(input: {documentNumber: "无此文号", reason: "信用修复"}) { errors { code } } }',
        lambda c, r: {},
        {**dict.fromkeys(DEPARTMENTS, refused("PENALTY_NOT_FOUND")), "maintainer": refused("DEPARTMENT_REQUIRED")},
    ),
    "Mutation.withdrawPenalty": Row(
        'mutation { withdrawPenalty(input: {documentNumber: "无此文号", reason: "撤销"}) { errors { code } } }',
        lambda c, r: {},
        {**dict.fromkeys(DEPARTMENTS, refused("PENALTY_NOT_FOUND")), "maintainer": refused("DEPARTMENT_REQUIRED")},
    ),
    "Mutation.importRecords": Row(
        "mutation($file: Upload!) { importRecords(kind: PENALTY, file: $file, dryRun: true)"
        " { report { counts { rejected } } errors { code } } }",
        lambda c, r: {},
        # A row for an entity it cannot see is rejected as unknown: the file's report says so.
        {**RECORDS, "other_district": HIDDEN},
        hidden_when=lambda data: data["importRecords"]["report"]["counts"]["rejected"] == 1,
        upload=_penalty_file,
    ),
    "Mutation.setRuleParameters": Row(
        "mutation { setRuleParameters(input: {windowDays: 700, yellowPenalties: 1, redPenalties: 3, complaintCount: 4,"
        ' redResolutionRate: "50", yellowResolutionRate: "80"}) { errors { code } } }',
        lambda c, r: {},
        {},
    ),
    "Mutation.setCalendarDays": Row(
        'mutation { setCalendarDays(input: {days: [{date: "2027-01-01", isWorkday: false, name: "元旦"}]})'
        " { errors { code } } }",
        lambda c, r: {},
        {},
    ),
    "Mutation.upsertRegion": Row(
        'mutation { upsertRegion(input: {code: "210215", name: "测试区", parentCode: "210200"}) { errors { code } } }',
        lambda c, r: {},
        {},
    ),
    "Mutation.upsertDepartment": Row(
        'mutation { upsertDepartment(input: {code: "TEST-210202", name: "中山区测试局", level: DISTRICT,'
        ' regionCode: "210202"}) { errors { code } } }',
        lambda c, r: {},
        {},
    ),
    "Query.listings": Row(
        "{ listings { totalCount edges { node { id kind reason standing } } } }",
        lambda c, r: {},
        {},
    ),
    # Joint discipline is applied city-wide: any department may ask about any entity.
    "Query.discipline": Row(
        "query($u: String!) { discipline(uscc: $u) { level } }",
        lambda c, r: {"u": c.zhongshan[0]},
        {},
        hidden_when=lambda data: data["discipline"] is None,
    ),
    # 网图 is internal: any department or maintainer, on an entity of its jurisdiction.
    "Query.entityGraph": Row(
        "query($u: String!) { entityGraph(uscc: $u) { truncated nodes { id } edges { role } } }",
        lambda c, r: {"u": c.xigang[0] if r == "other_district" else c.zhongshan[0]},
        {},
    ),
    "Query.disciplineMeasures": Row("{ disciplineMeasures { code } }", lambda c, r: {}, {}),
    # 双随机: a department reads its own tasks and those of plans it leads (none in the demo city yet).
    "Query.inspectionTasks": Row(
        "{ inspectionTasks { totalCount edges { node { id status } } } }", lambda c, r: {}, {}
    ),
    # Counts over what each caller may see: another district's are all zero, not refused.
    "Query.statistics": Row(
        '{ statistics(period: {from: "2026-01-01", to: "2026-06-30"}, region: "210202")'
        " { entitiesByRegion { key count } } }",
        lambda c, r: {},
        OTHER_DISTRICT_HIDDEN,
        hidden_when=lambda data: data["statistics"]["entitiesByRegion"] == [],
    ),
    # Results are the task's department's: an unknown task, or another department's, is not found.
    "Mutation.recordInspectionResult": Row(
        'mutation { recordInspectionResult(taskId: "999999", input: {items: [], categories: ["NO_PROBLEM"]})'
        " { task { id } errors { code } } }",
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("TASK_NOT_FOUND")),
    ),
    "Mutation.publishInspectionResult": Row(
        'mutation { publishInspectionResult(taskId: "999999") { task { id } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("TASK_NOT_FOUND")),
    ),
    # The serious list is any registration authority's within its reach (the health departments: FORBIDDEN).
    "Mutation.listEntity": Row(
        "mutation($i: ListEntityInput!) { listEntity(input: $i) { listing { id } errors { code } } }",
        lambda c, r: {
            "i": {
                "uscc": c.zhongshan[0],
                "kind": "SERIOUS_DISHONEST",
                "reason": "SERIOUS_VIOLATION",
                "documentNumber": "大中山市监严字〔2026〕第 1 号",
                "listedOn": "2026-11-01",
            }
        },
        RECORDS,
    ),
    "Mutation.delistEntity": Row(
        "mutation($i: DelistEntityInput!) { delistEntity(input: $i) { listing { id } errors { code } } }",
        lambda c, r: {
            "i": {"uscc": c.zhongshan[0], "kind": "SERIOUS_DISHONEST", "removedOn": "2026-11-01", "reason": "EXPIRY"}
        },
        {
            **dict.fromkeys(AUTHORITIES, refused("NOT_LISTED")),
            "other_district": refused("UNKNOWN_ENTITY"),
            "maintainer": refused("DEPARTMENT_REQUIRED"),
        },
    ),
    "Mutation.upsertDisciplineMeasure": Row(
        'mutation { upsertDisciplineMeasure(input: {code: "T-1", name: "测试措施", listingKind: ABNORMAL_OPERATION,'
        ' legalBasis: "某法", appliedBy: "某部门"}) { errors { code } } }',
        lambda c, r: {},
        {},
    ),
    # 一单两库: every department keeps its own lists; a maintainer must say whose.
    "Query.checkItems": Row("{ checkItems { code department { code } } }", lambda c, r: {}, {}),
    "Query.inspectors": Row("{ inspectors { certificateNo certificateStatus } }", lambda c, r: {}, {}),
    "Query.resultCategories": Row(
        "{ resultCategories { version code consequence } }",
        lambda c, r: {},
        {},
        hidden_when=lambda data: data["resultCategories"] == [],
    ),
    "Mutation.upsertCheckItem": Row(
        "mutation($i: UpsertCheckItemInput!) { upsertCheckItem(input: $i) { checkItem { code } errors { code } } }",
        lambda c, r: {"i": check_item()},
        {"maintainer": refused("DEPARTMENT_REQUIRED")},
    ),
    "Mutation.upsertInspector": Row(
        "mutation($i: UpsertInspectorInput!) { upsertInspector(input: $i) { inspector { certificateNo }"
        " errors { code } } }",
        lambda c, r: {"i": inspector()},
        {"maintainer": refused("DEPARTMENT_REQUIRED")},
    ),
    "Mutation.importInspectors": Row(
        "mutation($file: Upload!) { importInspectors(file: $file, dryRun: true)"
        " { report { counts { rejected } } errors { code } } }",
        lambda c, r: {},
        # The row names no department: the maintainer's report refuses it (DEPARTMENT_REQUIRED).
        {"maintainer": HIDDEN},
        hidden_when=lambda data: data["importInspectors"]["report"]["counts"]["rejected"] == 1,
        upload=_inspector_file,
    ),
    "Mutation.setResultCategories": Row(
        'mutation { setResultCategories(input: [{code: "NO_PROBLEM", name: "未发现问题"}])'
        " { version errors { code } } }",
        lambda c, r: {},
        {},
    ),
    # 双随机: a department's own directories and plans; maintainers keep directories for a department they name.
    "Query.entityDirectories": Row("{ entityDirectories { name entityCount } }", lambda c, r: {}, {}),
    "Mutation.upsertEntityDirectory": Row(
        'mutation { upsertEntityDirectory(input: {name: "矩阵名录", filter: {regionCode: "210202"}})'
        " { entityCount errors { code } } }",
        lambda c, r: {},
        {"maintainer": refused("DEPARTMENT_REQUIRED")},
    ),
    "Query.spotCheckPlan": Row(
        '{ spotCheckPlan(id: "999999") { id } }', lambda c, r: {}, {}, hidden_when=lambda data: False
    ),
    "Query.spotCheckPlans": Row("{ spotCheckPlans { totalCount } }", lambda c, r: {}, {}),
    "Mutation.createSpotCheckPlan": Row(
        'mutation { createSpotCheckPlan(input: {name: "矩阵计划", checkItemCodes: ["NO-SUCH"], sample: {count: 1},'
        ' periodStart: "2026-12-01", periodEnd: "2026-12-31", filter: {regionCode: "210202"}}) { errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("UNKNOWN_CHECK_ITEM")),
    ),
    "Mutation.acceptSpotCheckPlan": Row(
        'mutation { acceptSpotCheckPlan(id: "999999") { plan { id } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("PLAN_NOT_FOUND")),
    ),
    "Mutation.approveSpotCheckPlan": Row(
        'mutation { approveSpotCheckPlan(id: "999999") { plan { id } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("PLAN_NOT_FOUND")),
    ),
    "Mutation.drawSpotCheck": Row(
        'mutation { drawSpotCheck(planId: "999999") { drawRecord { seed } errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("PLAN_NOT_FOUND")),
    ),
    "Mutation.replaceDrawnEntity": Row(
        'mutation { replaceDrawnEntity(taskId: "999999", reason: "已注销") { replacementUscc errors { code } } }',
        lambda c, r: {},
        dict.fromkeys(DEPARTMENTS, refused("TASK_NOT_FOUND")),
    ),
    # Published draw records are for anyone; an unknown plan is null.
    "Query.publicDrawRecord": Row('{ publicDrawRecord(planId: "999999") { seedCommitment } }', lambda c, r: {}, {}),
}

INTROSPECT = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"


def _operation(name: str) -> Operation:
    """The table's operation for a schema field ("Mutation.claimNotice" → claimNotice)."""
    return Operation(name.split(".", 1)[1])


async def _principal(db: Database, city: DemoCity, role: str) -> Principal:
    if role == "anonymous":
        return Principal.anonymous()
    async with db.session(Principal.system()) as session:
        principal = await authenticate(session, city.tokens[role])
    assert principal is not None
    return principal


async def test_every_operation_has_a_row(api: Api, city: DemoCity, db: Database) -> None:
    schema = (await api.data(INTROSPECT, token=city.tokens["maintainer"]))["__schema"]
    found = {f"Query.{f['name']}" for f in schema["queryType"]["fields"]}
    found |= {f"Mutation.{f['name']}" for f in schema["mutationType"]["fields"]}
    missing = sorted(found - MATRIX.keys())
    assert not missing, f"add these operations to the permission matrix: {missing}"
    assert not sorted(MATRIX.keys() - found), "the matrix names operations the schema no longer has"
    operations = {name.split(".", 1)[1] for name in found}
    assert operations == {operation.value for operation in PERMISSIONS}, "every operation needs a permission"
    for name, row in MATRIX.items():
        for role in row.outcomes:
            allowed = allows(PERMISSIONS[_operation(name)], await _principal(db, city, role))
            assert allowed, f"{name}: the row expects an outcome for {role}, whom the permission leaves out"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(MATRIX))
async def test_permission(api: Api, city: DemoCity, db: Database, operation: str, role: str) -> None:
    row = MATRIX[operation]
    token = None if role == "anonymous" else city.tokens[role]
    if row.upload is None:
        body = await api.gql(row.document, row.variables(city, role), token)
    else:
        body = await graphql_upload(api.client, row.document, row.variables(city, role), row.upload(city), token)
    errors = body.get("errors") or []
    codes = [error.get("extensions", {}).get("code") for error in errors]
    permitted = allows(PERMISSIONS[_operation(operation)], await _principal(db, city, role))
    expected = row.outcomes.get(role, OK) if permitted else DENIED
    if expected == DENIED:
        assert codes and set(codes) <= {"UNAUTHENTICATED", "FORBIDDEN"}, body
        assert codes[0] == ("UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN")
        return
    assert not errors, body
    data = body["data"]
    payload_errors = next(iter(data.values())).get("errors", []) if operation.startswith("Mutation.") else []
    if expected.startswith("refused:"):
        assert [e["code"] for e in payload_errors] == [expected.removeprefix("refused:")], body
    elif expected == HIDDEN:
        assert row.hidden_when(data), body
    else:
        assert payload_errors == [], body
        assert not row.hidden_when(data), body
