"""Ids, cursors and Decimal values from callers (issue 15): ASCII digits only, bounded to the id
column's range, Decimal finite. What cannot name a row is "not found" (or INVALID_CURSOR for a
cursor), with a Chinese message; never an internal error. Over the real ASGI app."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in
from tests.support.server import serve
from tests.test_read_text import send
from tests.test_subscriptions import following

# Unicode digits (superscripts, Arabic-Indic, full-width), past INTEGER and past 64 bits, signs,
# spaces and underscores that int() would take, zero.
BAD_IDS = ["³", "²", "٣", "３", "2147483648", "99999999999999999999", "9" * 400, "-1", "+1", " 1", "1_0", "0", ""]

CLAIM = "mutation($id: ID!) { claimNotice(id: $id) { notice { id } errors { field code message } } }"
FORWARD = """
mutation($id: ID!) {
  forwardNotice(id: $id, toDepartmentCode: "WJ-210202", reason: "非本部门职责") { errors { field code message } }
}
"""
ACKNOWLEDGE = "mutation($id: ID!) { acknowledgeReferral(id: $id) { errors { field code message } } }"
RECORD_RESULT = """
mutation($id: ID!) {
  recordInspectionResult(taskId: $id, input: {items: [], categories: []}) { errors { field code } }
}
"""
PLAN = "query($id: ID!) { spotCheckPlan(id: $id) { id } }"
TASKS = "query($p: ID) { inspectionTasks(filter: {planId: $p}) { totalCount } }"
NOTICE_IDS = "{ notices(first: 5) { edges { node { id status } } } }"


def _quoted(bad: str) -> str:
    """How a message quotes an id: whole when short, its first 20 characters when longer."""
    return "" if not bad else f"“{bad}”" if len(bad) <= 20 else f"“{bad[:20]}…”"


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _refused(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a refused request, which must not be an internal one."""
    assert body.get("data") is None or "errors" in body, body
    [error] = body["errors"]
    assert error["extensions"]["code"] != "INTERNAL_ERROR", error
    return dict(error)


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_a_mutation_given_an_id_no_row_can_have_says_not_found(api: Api, city: DemoCity, bad: str) -> None:
    district = city.tokens["district"]
    cases = [
        (FORWARD, "forwardNotice", district, ("id", "NOTICE_NOT_FOUND"), "告知"),
        (CLAIM, "claimNotice", district, ("id", "NOTICE_NOT_FOUND"), "告知"),
        (ACKNOWLEDGE, "acknowledgeReferral", city.tokens["district_health"], ("id", "REFERRAL_NOT_FOUND"), "联动告知"),
        (RECORD_RESULT, "recordInspectionResult", district, ("taskId", "TASK_NOT_FOUND"), None),
    ]
    for document, name, token, expected, noun in cases:
        payload = (await api.data(document, {"id": bad}, token))[name]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected], (name, bad)
        if noun:
            assert payload["errors"][0]["message"] == f"{noun}{_quoted(bad)}不存在"
    assert (await api.data(PLAN, {"id": bad}, city.tokens["maintainer"]))["spotCheckPlan"] is None


# Half a surrogate pair cannot be encoded in the answer; U+202E turns the message around on
# screen; a NUL, a bell; an id a 200,000 digits long.
REFUSED_IDS = ["\ud800", "1\u202e2", "\x00", "3\x07", "9" * 200_000]


@pytest.mark.parametrize("bad", REFUSED_IDS)
async def test_a_mutation_given_an_id_with_a_refused_character_says_not_found_without_quoting_it(
    api: Api, city: DemoCity, bad: str
) -> None:
    """Ids skip the text rule at the boundary (they are parsed, never stored): a lone surrogate
    was an internal error (HTTP 500), and every other id was sent back verbatim."""
    cases = [
        (CLAIM, "claimNotice", city.tokens["district"], ("id", "NOTICE_NOT_FOUND"), "告知不存在"),
        (ACKNOWLEDGE, "acknowledgeReferral", city.tokens["district_health"], ("id", "REFERRAL_NOT_FOUND"),
         "联动告知不存在"),
        (RECORD_RESULT, "recordInspectionResult", city.tokens["district"], ("taskId", "TASK_NOT_FOUND"), None),
    ]  # fmt: skip
    for document, name, token, expected, message in cases:
        answer = await send(api, document, {"id": bad}, token)
        assert answer.status_code == 200, (name, answer.text[:300])
        body = answer.json()
        assert "errors" not in body, body["errors"]
        [error] = body["data"][name]["errors"]
        assert (error["field"], error["code"]) == expected, name
        if message and bad.isascii() and bad.isdigit():
            assert error["message"] == message.replace("不存在", f"“{bad[:20]}…”不存在")
        elif message:
            assert error["message"] == message
        assert len(answer.content) < 2000, name


@pytest.mark.parametrize("bad", REFUSED_IDS)
async def test_a_read_given_an_id_with_a_refused_character_is_refused_not_an_internal_error(
    api: Api, city: DemoCity, bad: str
) -> None:
    """Reads refuse such text before they run (schema.read_text), ids included; a long id names no plan."""
    for document, variables in ((PLAN, {"id": bad}), (TASKS, {"p": bad})):
        answer = await send(api, document, variables, city.tokens["maintainer"])
        assert answer.status_code == 200, answer.text[:300]
        body = answer.json()
        if bad.isascii() and bad.isdigit():
            if document is PLAN:
                assert body == {"data": {"spotCheckPlan": None}}
            else:
                assert _refused(body)["message"] == f"抽查计划“{bad[:20]}…”不存在"
        else:
            assert _refused(body)["extensions"]["code"] == "INVALID_TEXT"
        assert len(answer.content) < 2000


async def test_arabic_indic_digits_are_not_read_as_the_ascii_id(api: Api, city: DemoCity) -> None:
    """ "٣" was taken as 3: the notice with the ASCII id acts, its look-alike names nothing."""
    district = city.tokens["district"]
    notices = (await api.data(NOTICE_IDS, token=district))["notices"]["edges"]
    assert notices, "the demo city has notices for 中山区"
    real = notices[0]["node"]["id"]
    look_alike = real.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    full_width = real.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for fake in (look_alike, full_width):
        payload = (await api.data(CLAIM, {"id": fake}, district))["claimNotice"]
        assert [e["code"] for e in payload["errors"]] == ["NOTICE_NOT_FOUND"], fake
    payload = (await api.data(CLAIM, {"id": real}, district))["claimNotice"]
    assert "NOTICE_NOT_FOUND" not in [e["code"] for e in payload["errors"]]


@pytest.mark.parametrize("bad", ["²", "٣", "2147483648", "99999999999999999999", "-1"])
async def test_a_plan_id_filter_no_plan_can_have_is_refused_with_its_code(api: Api, city: DemoCity, bad: str) -> None:
    error = _refused(await api.gql(TASKS, {"p": bad}, city.tokens["district"]))
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID_PLAN_ID", "planId")
    assert error["message"] == f"抽查计划“{bad}”不存在"


CURSOR_READS = [
    ("notice", "query($a: String) { notices(first: 2, after: $a) { totalCount } }", "district"),
    ("referral", "query($a: String) { referrals(first: 2, after: $a) { totalCount } }", "district"),
    ("inspection-task", "query($a: String) { inspectionTasks(first: 2, after: $a) { totalCount } }", "district"),
    ("spot_check_plan", "query($a: String) { spotCheckPlans(first: 2, after: $a) { totalCount } }", "maintainer"),
]


@pytest.mark.parametrize("key", ["²", "٣", "³", "2147483648", "99999999999999999999", "9" * 400, "-1", " 1"])
async def test_a_cursor_whose_key_no_row_can_have_is_invalid(api: Api, city: DemoCity, key: str) -> None:
    for kind, document, role in CURSOR_READS:
        body = await api.gql(document, {"a": _cursor(f"{kind}:{key}")}, city.tokens[role])
        error = _refused(body)
        assert (error["extensions"]["code"], error["message"]) == (
            "INVALID_CURSOR", "分页游标无效：请使用上一页返回的 endCursor"
        ), (kind, key)  # fmt: skip


@pytest.mark.parametrize("key", ["²", "٣", "99999999999999999999", "2147483648"])
async def test_a_records_cursor_on_an_entity_is_checked_by_the_same_rule(api: Api, city: DemoCity, key: str) -> None:
    """An entity's licences are a loaded list, read by the compiled path and the ordinary one alike."""
    document = "query($u: String!, $a: String) { entity(uscc: $u) { licenses(first: 2, after: $a) { totalCount } } }"
    for variables in ({"u": city.zhongshan[0], "a": _cursor(f"license:{key}")},):
        error = _refused(await api.gql(document, variables, city.tokens["district"]))
        assert error["extensions"]["code"] == "INVALID_CURSOR", key


async def test_a_cursor_in_range_still_pages(api: Api, city: DemoCity) -> None:
    """The bound is the column's: the largest id it holds is a cursor like any other (an empty page)."""
    document = "query($a: String) { notices(first: 2, after: $a) { edges { cursor } pageInfo { hasPreviousPage } } }"
    page = (await api.data(document, {"a": _cursor("notice:2147483647")}, city.tokens["district"]))["notices"]
    assert page["pageInfo"]["hasPreviousPage"] is True


SET_PARAMETERS = """
mutation($i: SetRuleParametersInput!) {
  setRuleParameters(input: $i) { parameters { redResolutionRate } errors { field code message } }
}
"""
DEFAULTS = {"windowDays": 730, "yellowPenalties": 1, "redPenalties": 3, "complaintCount": 4,
            "redResolutionRate": "50", "yellowResolutionRate": "80"}  # fmt: skip


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf"])
@pytest.mark.parametrize("field", ["redResolutionRate", "yellowResolutionRate"])
async def test_a_rate_that_is_not_a_finite_number_is_out_of_range(
    api: Api, city: DemoCity, amount: str, field: str
) -> None:
    body = await api.gql(SET_PARAMETERS, {"i": {**DEFAULTS, field: amount}}, city.tokens["maintainer"])
    assert "errors" not in body, body["errors"]
    payload = body["data"]["setRuleParameters"]
    assert payload["parameters"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "OUT_OF_RANGE")]
    assert payload["errors"][0]["message"] == "办结率须大于 0、不超过 100，最多两位小数"


HUGE = "99999999999999999999"


async def test_the_admin_answers_404_for_an_id_in_a_path_no_row_can_have(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    for path in (f"/admin/inspection-tasks/{HUGE}", f"/admin/my-inspection-tasks/{HUGE}",
                 f"/admin/spot-check-plans/{HUGE}", "/admin/inspection-tasks/2147483648"):  # fmt: skip
        assert (await client.get(path)).status_code == 404, path
    token = await csrf(client, "/admin/notice-inbox")
    for path in (f"/admin/notice-inbox/{HUGE}/claim", f"/admin/referral-inbox/{HUGE}/acknowledge"):
        answer = await client.post(path, data={"csrftoken": token})
        assert answer.status_code == 404, path


async def test_admin_numbers_in_queries_and_forms_take_ascii_digits_only(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    for asked in ("²", "٣", HUGE):
        page = await client.get("/admin/result-categories", params={"version": asked})
        assert page.status_code == 200, asked
        listed = await client.get("/admin/inspection-tasks", params={"plan": asked})
        assert listed.status_code == 200, asked


@pytest.mark.parametrize("after", ["²", "٣", "2147483648", HUGE])
async def test_a_subscription_resuming_after_an_id_no_notice_can_have_is_refused(
    database_url: str, city: DemoCity, after: str
) -> None:
    async for base in serve(database_url):
        async with following(base, city.tokens["district"], after=after) as follower:
            message = await follower.message()
    assert message["type"] in ("next", "error"), message
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert [(e["extensions"]["code"], e["message"]) for e in errors] == [
        ("INVALID_NOTICE_ID", f"告知编号“{after}”无效：应为告知的 id")
    ]


async def test_a_subscription_quotes_at_most_a_short_prefix_of_what_it_was_given(
    database_url: str, city: DemoCity
) -> None:
    """A 100,000-character departmentCode (or afterId) was sent back whole over the websocket;
    one with a refused character is INVALID_TEXT before anything runs."""
    cases = [
        ({"dept": "WJ" * 50_000}, "UNKNOWN_DEPARTMENT", f"部门“{'WJ' * 10}…”不存在"),
        ({"after": "9" * 100_000}, "INVALID_NOTICE_ID", f"告知编号“{'9' * 20}…”无效：应为告知的 id"),
        ({"after": "\ud800"}, "INVALID_TEXT", None),
        ({"dept": "WJ\u202e-210202"}, "INVALID_TEXT", None),
    ]
    async for base in serve(database_url):
        for variables, code, wording in cases:
            async with following(base, city.tokens["maintainer"], **variables) as follower:
                message = await follower.message()
            assert message["type"] in ("next", "error"), message
            errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
            assert [e["extensions"]["code"] for e in errors] == [code], variables
            if wording:
                assert [e["message"] for e in errors] == [wording]
            assert len(str(message)) < 2000, variables
