"""The query cost limit: what one request may ask for is bounded before it runs (schema.cost)."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers import response_size
from tests.conftest import Api, DemoCity
from tests.support.entities import REGISTER, new_code, registration

# One page of 100 entities with everything nested an integrator might want (issue 15's probe).
HEAVY_PAGE = (
    "entities(first: 100) { edges { node { uscc name persons { name role sharePercent } "
    "notices { status reason deadline department { name } } riskColour { colour reasons { rule description } } "
    "discipline { level asOf } licenses { edges { node { documentNumber } } } } } }"
)


def aliased(count: int, page: str = HEAVY_PAGE) -> str:
    return "{ " + " ".join(f"p{n}: {page}" for n in range(count)) + " }"


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    error: dict[str, Any] = body["errors"][0]
    return error


async def test_fifteen_aliased_heavy_pages_are_refused_before_they_run(api: Api, city: DemoCity) -> None:
    response = await api.post(aliased(15), token=city.tokens["district"])
    error = refusal(response.json())
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 738015, "maximum": 40000}
    assert error["message"].startswith("查询代价过高：估算代价 738015，最多 40000")
    # The compiled read path does not answer it: the ordinary path words the refusal.
    assert response.headers["x-jianguan-path"] == "executed"


async def test_a_few_heavy_pages_in_one_request_are_answered(api: Api, city: DemoCity) -> None:
    # Each page counts its entities' persons as the 101 each may have: 80 entities fit, 100 (49,201) do not.
    data = await api.data(aliased(1, HEAVY_PAGE.replace("first: 100", "first: 80")), token=city.tokens["maintainer"])
    assert len(data["p0"]["edges"]) > 0
    error = refusal(await api.gql(aliased(1), token=city.tokens["maintainer"]))
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 49201, "maximum": 40000}


async def test_a_page_size_given_as_a_variable_counts_as_much_as_a_literal(api: Api, city: DemoCity) -> None:
    nested = (
        "query($n: Int) { entities(first: $n) { edges { node { uscc "
        "licenses(first: $n) { edges { node { documentNumber decisionDate validTo sourceDepartment { name } } } } "
        "penalties(first: $n) { edges { node { documentNumber } } } } } } }"
    )
    token = city.tokens["maintainer"]
    assert (await api.data(nested, {"n": 20}, token))["entities"]["edges"]
    error = refusal(await api.gql(nested, {"n": 100}, token))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY" and error["extensions"]["cost"] > 40000


async def test_a_nested_list_of_records_multiplies_its_page(api: Api, city: DemoCity) -> None:
    # Without `first`, the default page of 20 is counted: one entity with every list is cheap,
    # a page of 100 of them asking for each one's 100 licences and 100 penalties is not.
    cheap = f'{{ entity(uscc: "{city.zhongshan[0]}") {{ persons {{ name }} notices {{ status }} }} }}'
    assert "errors" not in await api.gql(cheap, token=city.tokens["maintainer"])
    costly = (
        "{ entities(first: 100) { edges { node { licenses(first: 100) { edges { node { "
        "documentNumber sourceDepartment { name code level } } } } penalties(first: 100) { edges { node { "
        "documentNumber sourceDepartment { name code level } } } } persons { name role title } } } } }"
    )
    error = refusal(await api.gql(costly, token=city.tokens["maintainer"]))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_ten_thousand_persons_in_one_registration_are_refused_and_nothing_is_stored(
    api: Api, city: DemoCity
) -> None:
    code = new_code(body="MA0CQTX1")
    person = {"name": "王海燕", "role": "EXECUTIVE", "idNumber": "210202198001011234", "title": "监事"}
    data = registration(uscc=code, persons=[person] * 10_000)
    error = refusal(await api.gql(REGISTER, {"input": data}, city.tokens["district"]))
    assert error["extensions"] == {"code": "INPUT_LIST_TOO_LONG", "field": "registerEntity.input", "maximum": 1000}
    assert error["message"] == "输入列表过长：registerEntity.input 有 10000 项，最多 1000 项"
    found = await api.data(f'{{ entity(uscc: "{code}") {{ name }} }}', token=city.tokens["maintainer"])
    assert found == {"entity": None}


# Issue 15's review: 100 entities of 999 persons each, read nine times over in one request, was allowed
# (cost 93,672 with persons counted as 20) and built an 83 MB answer in 18.6 s while /healthz waited.
PERSONS_PAGE = (
    'entities(filter: {text: "评审压力测试"}, first: 100) { edges { node { uscc '
    "persons { name role title sharePercent personId } riskColour { colour } } } }"
)


async def test_nine_pages_of_entities_with_all_their_persons_are_refused_before_they_run(
    api: Api, city: DemoCity
) -> None:
    # An entity holds at most 101 persons (the legal representative and 100 named at registration),
    # and the cost counts every page as full: the size of the answer is bounded before anything runs.
    response = await api.post(aliased(9, PERSONS_PAGE), token=city.tokens["district"])
    error = refusal(response.json())
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 459918, "maximum": 40000}
    # One such page (51,102) is refused too; one of 70 entities is answered.
    assert refusal((await api.post(aliased(1, PERSONS_PAGE), token=city.tokens["district"])).json())
    data = await api.data(aliased(1, PERSONS_PAGE.replace("first: 100", "first: 70")), token=city.tokens["district"])
    assert data == {"p0": {"edges": []}}


async def test_a_filter_costs_the_fields_given_and_nothing_for_those_left_out(api: Api, city: DemoCity) -> None:
    # Each field given costs 1 (an enum's value too, not its members' attributes); one left out (or
    # null) nothing, so a field the schema gains later raises no caller's cost.
    costs = []
    text = 'text: "评审压力测试"'
    for given in (text, f"{text}, colour: GREEN", f"{text}, matterCode: null"):
        page = PERSONS_PAGE.replace(text, given)
        costs.append(refusal((await api.post(aliased(9, page), token=city.tokens["district"])).json()))
    assert [error["extensions"]["cost"] for error in costs] == [459918, 459927, 459918]


def _persons(count: int) -> list[dict[str, str]]:
    return [{"name": f"董事{n}", "role": "EXECUTIVE", "title": "董事"} for n in range(count)]


async def test_an_entity_names_at_most_a_hundred_shareholders_and_executives(api: Api, city: DemoCity) -> None:
    token = city.tokens["district"]
    crowded = new_code(body="MA0CQTX2")
    payload = (await api.data(REGISTER, {"input": registration(uscc=crowded, persons=_persons(101))}, token))[
        "registerEntity"
    ]
    assert payload["entity"] is None
    assert payload["errors"] == [
        {"field": "persons", "code": "TOO_MANY_PERSONS", "message": "股东与董监高最多 100 人，给出了 101 人"}
    ]
    found = await api.data(f'{{ entity(uscc: "{crowded}") {{ name }} }}', token=city.tokens["maintainer"])
    assert found == {"entity": None}

    full = new_code(body="MA0CQTX3")
    payload = (await api.data(REGISTER, {"input": registration(uscc=full, persons=_persons(100))}, token))[
        "registerEntity"
    ]
    assert payload["errors"] == []
    persons = payload["entity"]["persons"]
    assert len(persons) == 101 and persons[0]["role"] == "LEGAL_REPRESENTATIVE" and persons[-1]["name"] == "董事99"


async def test_an_answer_larger_than_the_maximum_is_one_clear_error_on_both_paths(
    api: Api, city: DemoCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cost limit keeps reads under 10 MB but does not weigh texts (a business scope may hold
    # 20,000 characters): past the maximum, whichever path answered, the caller gets the reason.
    compiled = "{ entities(first: 100) { edges { node { uscc name businessScope } } } }"
    executed = "{ regions { code name } departments { code name } }"
    token = city.tokens["maintainer"]
    sizes = {}
    for query in (compiled, executed):
        response = await api.post(query, token=token)
        assert "errors" not in response.json()
        sizes[query] = len(response.content)
    monkeypatch.setattr(response_size, "MAX_RESPONSE_BYTES", min(sizes.values()) - 1)
    for query, path in ((compiled, "compiled"), (executed, "executed")):
        response = await api.post(query, token=token)
        assert response.headers["x-jianguan-path"] == path
        error = refusal(response.json())
        assert error["extensions"] == {
            "code": "RESPONSE_TOO_LARGE",
            "size": sizes[query],
            "maximum": min(sizes.values()) - 1,
        }
        assert error["message"].startswith("答复过大：")
