"""Anyone can check a draw: tools/verify_draw.py, the standalone verifier of tools/draw_record.md,
and `manage.py verify-draw`, which checks a plan's published record with it and with the
platform's own rule.

Records come first from a small generator following the document (tests/support/verify.py):
each tampering is reported as the first difference (exit 1), a record that cannot be checked
exits 2. Then real draws made through the API are fetched without a login and verified.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import math
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from models import MarketEntity
from models.enums import EntityStatus
from models.spotchecks import DrawSelection, InspectionTask, SpotCheckPlan
from services.platform.db import Database
from services.platform.principal import Principal
from services.spotchecks import Verdict, check_record, draw_rule
from tests.conftest import Api, DemoCity
from tests.support.cli import manage, manage_together
from tests.support.draws import (
    ACCEPT,
    APPROVE,
    DISTRICT,
    DISTRICT_HEALTH,
    DRAW,
    PUBLIC,
    REPLACE,
    act,
    add_check_item,
    add_conflict,
    add_inspectors,
    approved_plan,
    create,
    drawn_plan,
)
from tests.support.verify import SCJG, VERIFIER, WSJK, Draw, load_verifier, sha, system_python, usccs

CANDIDATES = usccs(60)
RED = {u: "RED" for u in CANDIDATES[:12]} | {u: "YELLOW" for u in CANDIDATES[12:15]}
BY_COLOUR = {"kind": "COLOUR_RATIO", "colourRatios": [{"colour": "GREEN", "ratio": "0.05"},
                                                      {"colour": "RED", "ratio": "0.3"}]}  # fmt: skip


@pytest.fixture(scope="module")
def verifier() -> ModuleType:
    return load_verifier()


def check(verifier: ModuleType, record: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
          *options: str) -> tuple[int, str]:  # fmt: skip
    """Run the verifier's command line on `record` saved as a file: (exit status, what it printed)."""
    path = tmp_path / "record.json"
    path.write_text(record if isinstance(record, str) else json.dumps(record, ensure_ascii=False), encoding="utf-8")
    status = verifier.main([str(path), *options])
    out, err = capsys.readouterr()
    return status, (out + err).strip()


def plain(**changes: Any) -> Draw:
    return Draw(CANDIDATES, {"kind": "COUNT", "count": 5}, [SCJG], **changes)


def with_recusal() -> tuple[Draw, str, str]:
    """A draw where the first selection's would-be first inspector declared a conflict: (draw, uscc, cert)."""
    draw = plain()
    first = draw.record()["selections"][0]
    uscc, certificate = first["uscc"], first["inspectors"][0]["certificateNo"]
    draw.conflicts = {uscc: {certificate}}
    return draw, uscc, certificate


def with_replacement() -> Draw:
    draw = plain()
    draw.replace = [draw.record()["selections"][1]["uscc"]]
    return draw


DRAWS: dict[str, tuple[Callable[[], Draw], str]] = {
    "count": (plain, "OK：60 个候选对象，抽取 5 户，检查人员分派 10 人次，替补 0 户，全部与公示记录一致"),
    "count above the candidates": (
        lambda: Draw(CANDIDATES[:4], {"kind": "COUNT", "count": 9}, [SCJG]),
        "OK：4 个候选对象，抽取 4 户，检查人员分派 8 人次，替补 0 户，全部与公示记录一致",
    ),
    "ratio": (
        lambda: Draw(CANDIDATES, {"kind": "RATIO", "ratio": "0.1"}, [SCJG]),
        "OK：60 个候选对象，抽取 6 户，检查人员分派 12 人次，替补 0 户，全部与公示记录一致",
    ),
    "ratio rounds up": (
        lambda: Draw(CANDIDATES, {"kind": "RATIO", "ratio": "0.01"}, [SCJG]),
        "OK：60 个候选对象，抽取 1 户，检查人员分派 2 人次，替补 0 户，全部与公示记录一致",
    ),
    "colour ratio": (  # green 45 × 5 % → 3, yellow without a ratio → 0, red 12 × 30 % → 4
        lambda: Draw(CANDIDATES, BY_COLOUR, [SCJG], colours=RED),
        "OK：60 个候选对象，抽取 7 户，检查人员分派 14 人次，替补 0 户，全部与公示记录一致",
    ),
    "joint plan": (
        lambda: Draw(CANDIDATES, {"kind": "COUNT", "count": 5}, [SCJG, WSJK]),
        "OK：60 个候选对象，抽取 5 户，检查人员分派 15 人次，替补 0 户，全部与公示记录一致",
    ),
    "recusal": (
        lambda: with_recusal()[0],
        "OK：60 个候选对象，抽取 5 户，检查人员分派 10 人次，替补 0 户，全部与公示记录一致",
    ),
    "replacement": (
        with_replacement,
        "OK：60 个候选对象，抽取 5 户，检查人员分派 10 人次，替补 1 户，全部与公示记录一致",
    ),
    "replacement of a replacement, by colour": (
        lambda: _twice_replaced(),
        "OK：60 个候选对象，抽取 7 户，检查人员分派 21 人次，替补 2 户，全部与公示记录一致",
    ),
}


def _twice_replaced() -> Draw:
    draw = Draw(CANDIDATES, BY_COLOUR, [SCJG, WSJK], colours=RED)
    red = next(s["uscc"] for s in draw.record()["selections"] if s["colour"] == "RED")
    draw.replace = [red]
    draw.replace.append(draw.record()["selections"][-1]["uscc"])
    return draw


@pytest.mark.parametrize("name", DRAWS)
def test_a_faithful_record_is_ok(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    build, summary = DRAWS[name]
    assert check(verifier, build().record(), tmp_path, capsys) == (0, summary)


@pytest.mark.parametrize("name", DRAWS)
def test_the_platform_rule_agrees_with_the_generator(name: str) -> None:
    """Three readings of draw_record.md (the generator here, the verifier, the platform's
    draw_rule) give the same records; and the platform's check finds a tampering too."""
    record = DRAWS[name][0]().record()
    verdict = check_record(record)
    assert verdict.ok, verdict.message
    drawn = sum(s["sampleSize"] for s in record["strata"])
    replaced = len(record["selections"]) - drawn
    assert verdict == Verdict(
        True, f"{len(record['candidates'])} 个候选对象，抽取 {drawn} 户，替补 {replaced} 户，与公示记录一致"
    )
    tamper_inspectors_swapped(record)
    verdict = check_record(record)
    assert not verdict.ok and verdict.message.startswith("第 1 个抽取对象的 inspectors：")


def test_the_generator_covers_what_it_claims() -> None:
    """The records above really have a recusal that matters, replacements in their stratum, colours."""
    draw, uscc, certificate = with_recusal()
    first = draw.record()["selections"][0]
    assert first["uscc"] == uscc and first["recused"] == [certificate]
    assert certificate not in [i["certificateNo"] for i in first["inspectors"]]
    twice = _twice_replaced().record()["selections"]
    assert [s["replaces"] is not None for s in twice] == [False] * 7 + [True, True]
    assert twice[7]["colour"] == twice[8]["colour"] == "RED"
    assert twice[8]["replaces"] == twice[7]["uscc"] and twice[7]["replacedBy"] == twice[8]["uscc"]


def _other_candidate(record: dict[str, Any]) -> str:
    """A candidate that no selection names."""
    taken = {s["uscc"] for s in record["selections"]}
    return str(next(u for u in record["candidates"] if u not in taken))


def tamper_seed(record: dict[str, Any]) -> str:
    record["seed"] = ("1" if record["seed"][0] != "1" else "2") + record["seed"][1:]
    actual = hashlib.sha256(bytes.fromhex(record["seed"])).hexdigest()
    return f"规则 1（种子承诺）：sha256(seed) 为 {actual}，与公示的承诺值 {record['seedCommitment']} 不符"


def tamper_candidate_order(record: dict[str, Any]) -> str:
    candidates = record["candidates"]
    candidates[3], candidates[4] = candidates[4], candidates[3]
    return f"规则 2（候选名单）：第 4 个 {candidates[3]} 排在第 5 个 {candidates[4]} 之前，不是升序"


def tamper_candidate_repeated(record: dict[str, Any]) -> str:
    record["candidates"][10] = record["candidates"][9]
    return f"规则 2（候选名单）：第 10 个与第 11 个候选对象重复（{record['candidates'][9]}）"


def tamper_candidate_dropped(record: dict[str, Any]) -> str:
    del record["candidates"][20]
    return "规则 2（候选对象数）candidateCount：按规则应为 59，记录为 60"


def tamper_candidate_hash(record: dict[str, Any]) -> str:
    actual = record["candidateListHash"]
    record["candidateListHash"] = sha("别的名单")
    return f"规则 2（候选名单哈希）candidateListHash：按规则应为 {actual}，记录为 {sha('别的名单')}"


def tamper_sample_size(record: dict[str, Any]) -> str:
    record["strata"][0]["sampleSize"] = 6
    return "规则 4（分层与各层抽取数）：按规则应为 全部 60 户抽 5 户，记录为 全部 60 户抽 6 户"


def tamper_selection_uscc(record: dict[str, Any]) -> str:
    expected, other = record["selections"][2]["uscc"], _other_candidate(record)
    record["selections"][2]["uscc"] = other
    return f"规则 4、5（抽取结果）：第 3 个抽取对象：按规则应为 {expected}，记录为 {other}"


def tamper_selection_uscc_and_key(record: dict[str, Any]) -> str:
    """A hand pick that even brings its own correct key is still not the draw."""
    expected, other = record["selections"][2]["uscc"], _other_candidate(record)
    record["selections"][2].update(uscc=other, key=sha(f"{record['seed']}:{other}"))
    return f"规则 4、5（抽取结果）：第 3 个抽取对象：按规则应为 {expected}，记录为 {other}"


def tamper_draw_order(record: dict[str, Any]) -> str:
    first, second = record["selections"][0], record["selections"][1]
    for name in ("uscc", "key", "colour", "inspectors"):
        first[name], second[name] = second[name], first[name]
    return f"规则 4、5（抽取结果）：第 1 个抽取对象：按规则应为 {second['uscc']}，记录为 {first['uscc']}"


def tamper_order_number(record: dict[str, Any]) -> str:
    record["selections"][3]["order"] = 7
    return "规则 5（抽取顺序）：selections 第 4 项的 order：按规则应为 4，记录为 7"


def tamper_key(record: dict[str, Any]) -> str:
    selection = record["selections"][1]
    key, selection["key"] = selection["key"], sha("别的")
    return f"规则 3（排序键）：第 2 个（{selection['uscc']}）的 key：按规则应为 {key}，记录为 {sha('别的')}"


def tamper_selection_dropped(record: dict[str, Any]) -> str:
    gone = record["selections"].pop()
    return f"规则 5：第 5 个抽取对象：按规则应为 {gone['uscc']}，记录为 （缺失：记录只有 4 个）"


def tamper_inspector(record: dict[str, Any]) -> str:
    selection = record["selections"][1]
    team = [(i["certificateNo"], i["departmentCode"]) for i in selection["inspectors"]]
    spare = next(c for c in SCJG[2] if c not in [t[0] for t in team])
    selection["inspectors"][0]["certificateNo"] = spare
    expected = "、".join(f"{c}（{d}）" for c, d in team)
    found = f"{spare}（SCJG-210202）、{team[1][0]}（SCJG-210202）"
    return f"规则 6（检查人员分派）：第 2 个（{selection['uscc']}）的检查人员：按规则应为 {expected}，记录为 {found}"


def tamper_inspectors_swapped(record: dict[str, Any]) -> str:
    """The same two inspectors, not in key order."""
    selection = record["selections"][0]
    team = selection["inspectors"]
    team.reverse()
    expected = "、".join(f"{i['certificateNo']}（SCJG-210202）" for i in reversed(team))
    found = "、".join(f"{i['certificateNo']}（SCJG-210202）" for i in team)
    return f"规则 6（检查人员分派）：第 1 个（{selection['uscc']}）的检查人员：按规则应为 {expected}，记录为 {found}"


def tamper_recused_outside(record: dict[str, Any]) -> str:
    record["selections"][0]["recused"] = ["99999999"]
    return f"第 1 个（{record['selections'][0]['uscc']}）的回避名单中有 99999999，它不在 inspectorPool 中"


TAMPERINGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "a seed digit": tamper_seed,
    "two candidates swapped": tamper_candidate_order,
    "a candidate repeated": tamper_candidate_repeated,
    "a candidate dropped": tamper_candidate_dropped,
    "the candidate list hash": tamper_candidate_hash,
    "a sample size": tamper_sample_size,
    "a selection's USCC": tamper_selection_uscc,
    "a selection's USCC and its key": tamper_selection_uscc_and_key,
    "the draw order": tamper_draw_order,
    "an order number": tamper_order_number,
    "a key": tamper_key,
    "a selection dropped": tamper_selection_dropped,
    "an inspector": tamper_inspector,
    "inspectors out of key order": tamper_inspectors_swapped,
    "a recusal outside the pool": tamper_recused_outside,
}


@pytest.mark.parametrize("name", TAMPERINGS)
def test_tampering_is_the_first_difference(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    record = plain().record()
    difference = TAMPERINGS[name](record)
    assert check(verifier, record, tmp_path, capsys) == (1, f"不一致：{difference}")


def test_a_dropped_recusal_gives_the_inspector_back(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the declared conflict, the rule would have sent the recused inspector: the record
    cannot have left the recusal out."""
    draw, uscc, certificate = with_recusal()
    record = draw.record()
    record["selections"][0]["recused"] = []
    status, printed = check(verifier, record, tmp_path, capsys)
    recorded = "、".join(f"{i['certificateNo']}（SCJG-210202）" for i in record["selections"][0]["inspectors"])
    assert status == 1
    assert printed.startswith(
        f"不一致：规则 6（检查人员分派）：第 1 个（{uscc}）的检查人员：按规则应为 {certificate}（"
    )
    assert printed.endswith(f"记录为 {recorded}")


def test_a_recused_inspector_assigned_anyway(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draw, uscc, certificate = with_recusal()
    record = draw.record()
    record["selections"][0]["inspectors"][0]["certificateNo"] = certificate
    status, printed = check(verifier, record, tmp_path, capsys)
    assert status == 1
    assert printed.startswith(f"不一致：规则 6（检查人员分派）：第 1 个（{uscc}）的检查人员：")
    partner = record["selections"][0]["inspectors"][1]["certificateNo"]
    assert printed.endswith(f"记录为 {certificate}（SCJG-210202）、{partner}（SCJG-210202）")


def test_an_altered_replacement(verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-picked replacement, however consistent its own fields, is not the next by key."""
    record = with_replacement().record()
    replacement, replaced = record["selections"][5], record["selections"][1]
    other = next(u for u in record["candidates"] if u not in {s["uscc"] for s in record["selections"]})
    replacement.update(uscc=other, key=sha(f"{record['seed']}:{other}"))
    replaced["replacedBy"] = other
    expected = with_replacement().record()["selections"][5]["uscc"]
    assert check(verifier, record, tmp_path, capsys) == (
        1, f"不一致：规则 7（替补）：第 6 个（替补）：第 6 个抽取对象：按规则应为 {expected}，记录为 {other}"
    )  # fmt: skip


def test_a_replacement_keeps_the_inspectors_of_its_own_assignment(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The replaced entity's inspectors are freed before the replacement is assigned (rule 7)."""
    record = with_replacement().record()
    record["selections"][5]["inspectors"].reverse()
    status, printed = check(verifier, record, tmp_path, capsys)
    assert status == 1
    assert printed.startswith(f"不一致：规则 6（检查人员分派）：第 6 个（{record['selections'][5]['uscc']}）的检查人员")


def unlink_replaced(record: dict[str, Any]) -> str:
    replaced, replacement = record["selections"][1], record["selections"][5]["uscc"]
    replaced["replacedBy"] = None
    return f"规则 7：第 2 个（{replaced['uscc']}）的 replacedBy：按规则应为 {replacement}，记录为 null"


def replace_another(record: dict[str, Any]) -> str:
    """The same entity comes next either way; the link then names the wrong one."""
    replacement, third = record["selections"][5], record["selections"][2]["uscc"]
    replacement["replaces"] = third
    second = record["selections"][1]["uscc"]
    return f"规则 7：第 2 个（{second}）的 replacedBy：按规则应为 null，记录为 {replacement['uscc']}"


def replace_nothing(record: dict[str, Any]) -> str:
    record["selections"][5]["replaces"] = None
    return "规则 7（替补）：第 6 个（替补）的 replaces：按规则应为 被替补对象的代码（规则只抽取 5 个），记录为 null"


def replace_later_one(record: dict[str, Any]) -> str:
    unselected = record["candidates"][0]
    record["selections"][5]["replaces"] = unselected
    return f"规则 7（替补）：第 6 个（替补）的 replaces：按规则应为 此前某个抽取对象的代码，记录为 {unselected}"


def link_unreplaced(record: dict[str, Any]) -> str:
    first, replacement = record["selections"][0], record["selections"][5]["uscc"]
    first["replacedBy"] = replacement
    return f"规则 7：第 1 个（{first['uscc']}）的 replacedBy：按规则应为 null，记录为 {replacement}"


LINKS = {
    "replacedBy dropped": unlink_replaced,
    "replaces another": replace_another,
    "replaces nothing": replace_nothing,
    "replaces no selection": replace_later_one,
    "replacedBy added": link_unreplaced,
}


@pytest.mark.parametrize("name", LINKS)
def test_replacement_links(verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    record = with_replacement().record()
    difference = LINKS[name](record)
    assert check(verifier, record, tmp_path, capsys) == (1, f"不一致：{difference}")


def test_a_colour_changed(verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """By colour, the candidates' colours decide the strata: a recoloured candidate changes them."""
    record = Draw(CANDIDATES, BY_COLOUR, [SCJG], colours=RED).record()
    green = record["candidateColours"].index("GREEN")
    record["candidateColours"][green] = "RED"
    assert check(verifier, record, tmp_path, capsys) == (
        1,
        "不一致：规则 4（分层与各层抽取数）：按规则应为 绿色 44 户抽 3 户；黄色 3 户抽 0 户；红色 13 户抽 4 户，"
        "记录为 绿色 45 户抽 3 户；黄色 3 户抽 0 户；红色 12 户抽 4 户",
    )


def test_a_selection_in_the_wrong_colour(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = Draw(CANDIDATES, BY_COLOUR, [SCJG], colours=RED).record()
    selection = record["selections"][0]
    right = selection["colour"]
    selection["colour"] = "BLACK"
    assert check(verifier, record, tmp_path, capsys) == (
        1, f"不一致：第 1 个（{selection['uscc']}）的颜色 colour：按规则应为 {right}，记录为 BLACK"
    )  # fmt: skip


def test_colours_stay_internal_unless_the_sample_is_by_colour(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Risk colours are never public: a plain plan's selections carry none (their stratum has none)."""
    record = plain().record()
    assert {s["colour"] for s in record["selections"]} == {None}
    record["selections"][2]["colour"] = "GREEN"
    assert check(verifier, record, tmp_path, capsys) == (
        1, f"不一致：第 3 个（{record['selections'][2]['uscc']}）的颜色 colour：按规则应为 null，记录为 GREEN"
    )  # fmt: skip


def test_colours_are_not_published_unless_the_sample_is_by_colour(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = plain().record()
    record["candidateColours"] = ["GREEN"] * len(record["candidates"])
    assert check(verifier, record, tmp_path, capsys) == (
        1, "不一致：candidateColours：不按颜色抽样时应为 null（风险颜色属内部信息，不公示）"
    )  # fmt: skip


def test_a_joint_plan_partner_out_of_order(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = Draw(CANDIDATES, {"kind": "COUNT", "count": 3}, [SCJG, WSJK, ("AAAA-210202", 1, ["3"])]).record()
    assert check(verifier, record, tmp_path, capsys) == (
        1,
        "不一致：inspectorPool 中协办部门的顺序（牵头部门在前，其余按部门代码升序）："
        "按规则应为 AAAA-210202、WSJK-210202，记录为 WSJK-210202、AAAA-210202",
    )


def _without(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(name)


MALFORMED: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "selections missing": (_without("selections"), "缺少字段 selections"),
    "inspector pool missing": (_without("inspectorPool"), "缺少字段 inspectorPool"),
    "seed not hex": (lambda r: r.update(seed="xyz"), "字段 seed 应为 64 位小写十六进制数字，记录为 'xyz'"),
    "seed in capitals": (lambda r: r.update(seed=r["seed"].upper()), "字段 seed 应为 64 位小写十六进制数字"),
    "commitment short": (lambda r: r.update(seedCommitment="ab"), "字段 seedCommitment 应为 64 位小写十六进制数字"),
    "hash not hex": (lambda r: r.update(candidateListHash="g" * 64), "字段 candidateListHash 应为 64 位小写十六进制"),
    "ratio above one": (lambda r: r.update(sample={"kind": "RATIO", "ratio": "1.5"}), "比例 1.5 不在 (0, 1] 之内"),
    "ratio zero": (lambda r: r.update(sample={"kind": "RATIO", "ratio": "0.000"}), "比例 0.000 不在 (0, 1] 之内"),
    "ratio a float": (
        lambda r: r.update(sample={"kind": "RATIO", "ratio": 0.1}),
        "sample 中字段 ratio 的值 0.1 类型不对",
    ),
    "ratio in words": (lambda r: r.update(sample={"kind": "RATIO", "ratio": "5%"}), "比例应为十进制小数字符串"),
    "colour ratio above one": (
        lambda r: r.update(sample={"kind": "COLOUR_RATIO", "colourRatios": [{"colour": "RED", "ratio": "2"}]}),
        "RED 的比例 2 不在 (0, 1] 之内",
    ),
    "unknown sample kind": (lambda r: r.update(sample={"kind": "ALL"}), "sample.kind 应为 COUNT、RATIO、COLOUR_RATIO"),
    "two sample kinds": (
        lambda r: r["sample"].update(ratio="0.1"),
        "sample.kind 为 COUNT 时只应填写 count，ratio 应为 null",
    ),
    "count as text": (lambda r: r["sample"].update(count="5"), 'sample 中字段 count 的值 "5" 类型不对'),
    "undrawn": (lambda r: r.update(seed=None, selections=[]), "该计划尚未抽取（seed 为 null）"),
    "no candidates": (lambda r: r.update(candidates=None), "记录中没有 candidates：请用 --candidates 指定"),
    "colours missing": (
        lambda r: r.update(sample={"kind": "COLOUR_RATIO", "colourRatios": []}),
        "按颜色抽样的记录字段 candidateColours",
    ),
    "inspector without certificate": (
        lambda r: r["selections"][0]["inspectors"][0].pop("certificateNo"),
        "selections 第 1 项的 inspectors 中缺少字段 certificateNo",
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_record_cannot_be_checked(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    record = plain().record()
    change, message = MALFORMED[name]
    change(record)
    status, printed = check(verifier, record, tmp_path, capsys)
    assert (status, printed.split("：")[0]) == (2, "无法核对")
    assert message in printed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "无法核对：不是有效的 JSON（第 1 行第 2 列）"),
        ("[]", "无法核对：记录应为一个 JSON 对象"),
        ('{"data": {"publicDrawRecord": null}}', "无法核对：publicDrawRecord 为 null：没有这个计划"),
        (
            '{"data": null, "errors": [{"message": "计划不存在"}]}',
            "无法核对：GraphQL 响应中没有 publicDrawRecord：计划不存在",
        ),
    ],
)
def test_not_a_record(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert check(verifier, text, tmp_path, capsys) == (2, message)


def test_a_graphql_response_is_read_as_its_record(
    verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = {"data": {"publicDrawRecord": with_replacement().record()}}
    assert check(verifier, response, tmp_path, capsys) == (0, DRAWS["replacement"][1])


def test_the_candidates_download(verifier: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A record without its candidates is checked against the downloaded candidates.txt."""
    record = plain().record()
    listed = record.pop("candidates")
    download = tmp_path / "candidates.txt"
    download.write_text("\n".join(listed) + "\n", encoding="utf-8")
    assert check(verifier, record, tmp_path, capsys, "--candidates", str(download)) == (0, DRAWS["count"][1])

    record["candidates"] = None
    download.write_text("\r\n".join(listed[:-1]), encoding="utf-8")
    assert check(verifier, record, tmp_path, capsys, "--candidates", str(download)) == (
        1, "不一致：规则 2（候选对象数）candidateCount：按规则应为 59，记录为 60"
    )  # fmt: skip

    record["candidates"] = listed
    assert check(verifier, record, tmp_path, capsys, "--candidates", str(download)) == (
        1, "不一致：--candidates 文件与记录中的 candidates 不一致（行数不同）"
    )  # fmt: skip
    assert check(verifier, record, tmp_path, capsys, "--candidates", str(tmp_path / "none.txt"))[0] == 2


def test_the_verifier_uses_the_standard_library_alone() -> None:
    """So that anyone can run it with the Python they have, and so that it shares no code with the
    platform it checks."""
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}  # fmt: skip
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}  # fmt: skip
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}


@pytest.fixture(scope="module")
def python3() -> str:
    found = system_python()
    if found is None:
        pytest.skip("no python3 outside the virtualenv on this machine")
    return found


def run_alone(python3: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The verifier as a citizen runs it: the system Python, isolated (-I: no site packages, no
    environment, not even this repository on the path)."""
    return subprocess.run(
        [python3, "-I", str(VERIFIER), *args], input=stdin, capture_output=True, text=True, timeout=60, cwd="/"
    )


def test_with_the_system_python(python3: str, tmp_path: Path) -> None:
    record = _twice_replaced().record()
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    done = run_alone(python3, str(path))
    assert (done.returncode, done.stdout.strip()) == (0, DRAWS["replacement of a replacement, by colour"][1])

    from_stdin = run_alone(python3, "-", stdin=json.dumps({"data": {"publicDrawRecord": record}}))
    assert (from_stdin.returncode, from_stdin.stdout) == (0, done.stdout)

    tampered = copy.deepcopy(record)
    tamper_candidate_order(tampered)
    differs = run_alone(python3, "-", stdin=json.dumps(tampered))
    assert differs.returncode == 1 and differs.stdout.startswith("不一致：规则 2（候选名单）：第 4 个")

    malformed = run_alone(python3, "-", stdin=json.dumps({**record, "seed": "0" * 63}))
    assert (malformed.returncode, malformed.stdout) == (2, "")
    assert malformed.stderr.startswith("无法核对：字段 seed 应为 64 位小写十六进制数字")


def test_help_is_in_chinese(python3: str) -> None:
    done = run_alone(python3, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("用法：verify_draw.py")
    for words in ("核对“双随机、一公开”的抽取记录", "--candidates 文件", "显示本帮助并退出", "退出码：0 全部一致"):
        assert words in done.stdout


# -- real draws -------------------------------------------------------------------------------------
# Made through the API as DemoCity's departments; the record fetched without a login, verified by
# the system Python alone, and by `manage.py verify-draw`.


async def _active_in_district(db: Database) -> dict[str, str]:
    """The active entities of 中山区 and their stored colours: the candidates of the plans here."""
    async with db.session(Principal.system()) as session:
        rows = await session.execute(
            select(col(MarketEntity.uscc), col(MarketEntity.risk_colour)).where(
                col(MarketEntity.region_code) == "210202", col(MarketEntity.status) == EntityStatus.ACTIVE
            )
        )
        return {uscc: colour.value for uscc, colour in rows.all()}


async def _seed_of(db: Database, plan_id: str) -> str:
    """The seed of an approved plan, read behind the platform's back: a test may foresee the draw."""
    async with db.session(Principal.system()) as session:
        plan = await session.get(SpotCheckPlan, int(plan_id))
        assert plan is not None and plan.seed_hex is not None
        return plan.seed_hex


async def _lists(db: Database, inspectors: int = 4) -> None:
    """The lead's check item and inspectors. Rule 6 assigns greedily under the cap, so a draw whose
    inspectors have no spare capacity (targets × 2 = inspectors × cap) may find a single
    inspector left for its last target and be refused, depending on the seed. Four inspectors
    leave room for 5 targets; a plan of n targets gets 2n inspectors (each of them once)."""
    await add_check_item(db, DISTRICT)
    await add_inspectors(db, DISTRICT, inspectors, "21020200")


async def plain_count(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    await _lists(db)
    plan_id, _ = await drawn_plan(api, city.tokens["district"])
    return plan_id, "抽取 5 户，检查人员分派 10 人次，替补 0 户"


async def ratio(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    drawn = math.ceil(len(await _active_in_district(db)) * 3 / 10)
    await _lists(db, inspectors=2 * drawn)
    plan_id, _ = await drawn_plan(api, city.tokens["district"], sample={"ratio": "0.3"})
    return plan_id, f"抽取 {drawn} 户，检查人员分派 {2 * drawn} 人次，替补 0 户"


async def colour_ratio(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    """Green 20 %, red all, yellow none."""
    colours = list((await _active_in_district(db)).values())
    assert {"GREEN", "RED", "YELLOW"} <= set(colours), "中山区 has some of each"
    drawn = math.ceil(colours.count("GREEN") / 5) + colours.count("RED")
    await _lists(db, inspectors=2 * drawn)
    ratios = [{"colour": "GREEN", "ratio": "0.2"}, {"colour": "RED", "ratio": "1"}]
    plan_id, record = await drawn_plan(api, city.tokens["district"], sample={"colourRatios": ratios})
    assert [s["sampleSize"] for s in record["strata"] if s["colour"] == "YELLOW"] == [0]
    return plan_id, f"抽取 {drawn} 户，检查人员分派 {2 * drawn} 人次，替补 0 户"


async def joint(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    await _lists(db)
    await add_check_item(db, DISTRICT_HEALTH, "WJ-01")
    await add_inspectors(db, DISTRICT_HEALTH, 3, "21020201")
    per_department = [{"departmentCode": DISTRICT, "count": 2}, {"departmentCode": DISTRICT_HEALTH, "count": 1}]
    created = await create(
        api, city.tokens["district"], checkItemCodes=["SC-01", "WJ-01"], partnerDepartmentCodes=[DISTRICT_HEALTH],
        inspectorsPerTarget=None, inspectorsPerDepartment=per_department,
    )  # fmt: skip
    assert created["errors"] == [], created["errors"]
    plan_id = created["plan"]["id"]
    for document, token in ((ACCEPT, "district_health"), (APPROVE, "district"), (DRAW, "district")):
        done = await act(api, document, plan_id, city.tokens[token])
        assert done["errors"] == [], done["errors"]
    return plan_id, "抽取 5 户，检查人员分派 15 人次，替补 0 户"


async def recusal(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    """The inspector the rule would send first to the first entity declared a conflict with it."""
    await _lists(db)
    plan_id = await approved_plan(api, city.tokens["district"])
    seed = await _seed_of(db, plan_id)
    candidates = sorted(await _active_in_district(db))
    _, drawn = draw_rule.draw(seed, draw_rule.Sample("COUNT", 5), candidates, None)
    first = drawn[0].uscc
    pool = [f"21020200{n:03d}" for n in range(1, 5)]
    chosen = min(pool, key=lambda certificate: draw_rule.inspector_key(seed, first, certificate))
    await add_conflict(db, chosen, first)
    done = await act(api, DRAW, plan_id, city.tokens["district"])
    assert done["errors"] == [], done["errors"]
    selection = done["drawRecord"]["selections"][0]
    assert selection["uscc"] == first and selection["recused"] == [chosen]
    assert chosen not in [i["certificateNo"] for i in selection["inspectors"]]
    return plan_id, "抽取 5 户，检查人员分派 10 人次，替补 0 户"


async def replacement(api: Api, db: Database, city: DemoCity) -> tuple[str, str]:
    """The second drawn entity is deregistered after the draw, and replaced."""
    await _lists(db)
    plan_id, record = await drawn_plan(api, city.tokens["district"])
    gone = record["selections"][1]["uscc"]
    async with await db.write_session(Principal.system()) as session:
        await session.execute(
            sa.update(MarketEntity).where(col(MarketEntity.uscc) == gone).values(status=EntityStatus.DEREGISTERED)
        )
        task = await session.scalar(
            select(col(InspectionTask.id))
            .join(MarketEntity, col(MarketEntity.id) == col(InspectionTask.entity_id))
            .where(col(InspectionTask.plan_id) == int(plan_id), col(MarketEntity.uscc) == gone)
        )
        await session.commit()
    replaced = await api.data(REPLACE, {"t": str(task), "r": "已办理注销登记"}, city.tokens["district"])
    assert replaced["replaceDrawnEntity"]["errors"] == [], replaced
    assert replaced["replaceDrawnEntity"]["replacedUscc"] == gone
    return plan_id, "抽取 5 户，检查人员分派 10 人次，替补 1 户"


REAL_DRAWS: dict[str, Callable[[Api, Database, DemoCity], Awaitable[tuple[str, str]]]] = {
    "count": plain_count,
    "ratio": ratio,
    "colour ratio": colour_ratio,
    "joint plan": joint,
    "recusal": recusal,
    "replacement": replacement,
}


async def published(api: Api, plan_id: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """What anyone reads without a login: the JSON page, the GraphQL response, candidates.txt."""
    page = await api.client.get(f"/public/draws/{plan_id}.json")
    assert page.status_code == 200, page.text
    response = await api.gql(PUBLIC, {"id": plan_id})
    assert "errors" not in response, response
    download = await api.client.get(f"/public/draws/{plan_id}/candidates.txt")
    assert download.status_code == 200, download.text
    return page.json(), response, download.text


@pytest.mark.parametrize("name", REAL_DRAWS)
async def test_a_real_draw_verifies(
    api: Api, db: Database, city: DemoCity, database_url: str, tmp_path: Path, python3: str, name: str
) -> None:
    plan_id, drawn = await REAL_DRAWS[name](api, db, city)
    page, response, candidates = await published(api, plan_id)
    assert page == response["data"]["publicDrawRecord"]
    summary = f"OK：{page['candidateCount']} 个候选对象，{drawn}，全部与公示记录一致"

    (tmp_path / "page.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "response.json").write_text(json.dumps(response, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bare.json").write_text(json.dumps({**page, "candidates": None}), encoding="utf-8")
    (tmp_path / "candidates.txt").write_text(candidates, encoding="utf-8")
    for args in (["page.json"], ["response.json"], ["bare.json", "--candidates", "candidates.txt"]):
        done = run_alone(python3, *(str(tmp_path / a) if a.endswith((".json", ".txt")) else a for a in args))
        assert (done.returncode, done.stdout.strip(), done.stderr) == (0, summary, ""), args

    verified = manage(database_url, "verify-draw", plan_id)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    lines = verified.stdout.strip().splitlines()
    assert lines[1].startswith("平台规则重算（services.spotchecks.draw_rule）：一致：")
    assert lines[2] == f"独立核对程序（tools/verify_draw.py）：OK：{summary.removeprefix('OK：')}"


async def test_a_record_changed_after_the_draw(
    api: Api, db: Database, city: DemoCity, database_url: str, tmp_path: Path, python3: str
) -> None:
    """An inspector swapped in the stored record afterwards: both checks name the selection."""
    plan_id, _ = await plain_count(api, db, city)
    async with await db.write_session(Principal.system()) as session:
        first = await session.scalar(
            select(DrawSelection).where(col(DrawSelection.plan_id) == int(plan_id), col(DrawSelection.draw_order) == 1)
        )
        assert first is not None
        others = [
            c
            for c in (f"21020200{n:03d}" for n in range(1, 5))
            if c not in {i["certificateNo"] for i in first.inspectors}
        ]
        first.inspectors = [{"certificateNo": others[0], "departmentCode": DISTRICT}, first.inspectors[1]]
        uscc = first.uscc
        await session.commit()
    page, _, _ = await published(api, plan_id)
    (tmp_path / "page.json").write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    done = run_alone(python3, str(tmp_path / "page.json"))
    assert done.returncode == 1
    assert done.stdout.startswith(f"不一致：规则 6（检查人员分派）：第 1 个（{uscc}）的检查人员：")

    verified = manage(database_url, "verify-draw", plan_id)
    assert verified.returncode == 1
    lines = verified.stdout.strip().splitlines()
    assert lines[1].startswith("平台规则重算（services.spotchecks.draw_rule）：不一致：第 1 个抽取对象的 inspectors")
    assert lines[2].startswith(
        f"独立核对程序（tools/verify_draw.py）：不一致：规则 6（检查人员分派）：第 1 个（{uscc}）"
    )


async def test_verify_draw_needs_a_drawn_plan(api: Api, db: Database, city: DemoCity, database_url: str) -> None:
    await _lists(db)
    plan_id = await approved_plan(api, city.tokens["district"])
    unknown, undrawn = manage_together(database_url, ["verify-draw", "999"], ["verify-draw", plan_id])
    assert unknown.returncode == 2 and "抽查计划 999 不存在" in unknown.stderr
    assert undrawn.returncode == 2 and f"抽查计划 {plan_id}" in undrawn.stderr and "尚未抽取" in undrawn.stderr
