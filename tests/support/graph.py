"""A small hand-built network for the entity graph (网图) tests, registered through the API.

A (中山) has 林安 (legal representative), 徐共同 (shareholder, 50 %) and 叶无证 (no identity number).
徐共同 also holds shares of B (中山) and C (西岗). B's legal representative 白立 is an executive of
D; D's legal representative 吴链 also represents E, whose shareholder 韦末 represents F: the chain
A → B → D → E → F, one hop each. C's shareholder 郑中转 holds G (中山), reachable only through C.
B stands on the abnormal-operation list, so it is red."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Api, DemoCity
from tests.support.api import ok
from tests.support.entities import REGISTER, new_code, registration
from tests.support.listings import LIST, listing

# Identity numbers no demo person has: the tests search answers for them.
IDS = {
    name: f"G2026{index:013d}"
    for index, name in enumerate(("林安", "徐共同", "白立", "陈西岗", "郑中转", "吴链", "葛远", "韦末"), 1)
}

GRAPH = """
query($u: String!, $d: Int) {
  entityGraph(uscc: $u, depth: $d) {
    uscc depth truncated omitted nodeLimit
    nodes {
      __typename id name hops
      ... on EntityGraphEntity { uscc status regionCode riskColour listings { kind listedOn } }
    }
    edges { personId uscc role sharePercent title }
  }
}
"""


@dataclass(frozen=True)
class Network:
    codes: dict[str, str]  # A … G → USCC
    names: dict[str, str]  # A … G → name


def _person(
    name: str, role: str, share: str | None = None, title: str | None = None, known: bool = True
) -> dict[str, Any]:
    person: dict[str, Any] = {"name": name, "role": role}
    if known:
        person["idNumber"] = IDS[name]
    if share:
        person["sharePercent"] = share
    if title:
        person["title"] = title
    return person


async def build_network(api: Api, city: DemoCity) -> Network:
    plan: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
        "A": (
            "210202",
            "林安",
            [_person("徐共同", "SHAREHOLDER", "50"), _person("叶无证", "SHAREHOLDER", "50", known=False)],
        ),
        "B": (
            "210202",
            "白立",
            [_person("徐共同", "SHAREHOLDER", "30"), _person("叶无证", "SHAREHOLDER", "70", known=False)],
        ),
        "C": ("210203", "陈西岗", [_person("徐共同", "SHAREHOLDER", "20"), _person("郑中转", "SHAREHOLDER", "80")]),
        "D": ("210202", "吴链", [_person("白立", "EXECUTIVE", title="经理")]),
        "E": ("210202", "吴链", [_person("韦末", "SHAREHOLDER", "100")]),
        "F": ("210202", "韦末", []),
        "G": ("210202", "葛远", [_person("郑中转", "SHAREHOLDER", "100")]),
    }
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for index, (key, (region, legal, persons)) in enumerate(plan.items()):
        code = new_code(region=region, body=f"MA0GRPH{index}")
        name = f"大连网图测试{key}有限公司"
        entity = registration(
            uscc=code,
            name=name,
            regionCode=region,
            address=f"辽宁省大连市网图路 {index + 1} 号",
            legalRepresentative=legal,
            legalRepresentativeIdNumber=IDS[legal],
            persons=persons,
        )
        registered = await api.data(REGISTER, {"input": entity}, city.tokens["city"])
        assert registered["registerEntity"]["errors"] == [], registered
        codes[key], names[key] = code, name
    await ok(api, LIST, listing(codes["B"], documentNumber="大市监异字〔2026〕第 77 号"), city.tokens["city"])
    return Network(codes, names)


async def graph_of(api: Api, token: str | None, uscc: str, depth: int | None) -> dict[str, Any]:
    body = await api.gql(GRAPH, {"u": uscc, "d": depth}, token)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["entityGraph"]
    return found
