#!/usr/bin/env python3
"""核对一次“双随机”抽取：用公示的抽取记录，按公开的规则重算一遍，与记录逐项比对。

    python3 tools/verify_draw.py 记录.json
    python3 tools/verify_draw.py 记录.json --candidates candidates.txt
    curl -s https://平台地址/public/draws/12.json | python3 tools/verify_draw.py -

记录.json 是平台公示的抽取记录：/public/draws/{计划编号}.json 的内容，或 GraphQL 查询
publicDrawRecord 的响应 {"data": {"publicDrawRecord": {...}}}。规则见 tools/draw_record.md
（规则 1–7），本文件的每一步都注明对应的规则编号。

只用 Python 标准库，不依赖平台的任何代码：它是同一份规则的第二个、独立的实现，
任何人都可以读懂它、运行它。

Exit status: 0 when everything agrees (prints OK and a summary), 1 at the first difference
(prints what was expected and what the record says), 2 when the record cannot be checked at
all (a missing field, bad hex, a ratio outside (0, 1], an unreadable file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

# 四色警示 in the order the strata are listed (rule 4).
COLOURS = ("GREEN", "YELLOW", "RED", "BLACK")
COLOUR_NAMES = {"GREEN": "绿色", "YELLOW": "黄色", "RED": "红色", "BLACK": "黑色"}
SAMPLE_KINDS = ("COUNT", "RATIO", "COLOUR_RATIO")
HEX64 = re.compile(r"[0-9a-f]{64}")
DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


class Malformed(Exception):
    """The record cannot be checked: exit 2."""


class Difference(Exception):
    """The record disagrees with the rule: exit 1, naming the first difference."""


def differ(what: str, expected: object, found: object) -> Difference:
    return Difference(f"{what}：按规则应为 {expected}，记录为 {found}")


# ---------------------------------------------------------------------------------------------
# The two keys of the rule. Both are sha256 hex digests of UTF-8 text; hex digests compare in
# the same order as the numbers they spell, so "ascending key" is plain string order.


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entity_key(seed: str, uscc: str) -> str:
    """Rule 3: a candidate's key."""
    return sha256_hex(f"{seed}:{uscc}")


def inspector_key(seed: str, uscc: str, certificate_no: str) -> str:
    """Rule 6: an inspector's key for one selected entity."""
    return sha256_hex(f"{seed}:{uscc}:{certificate_no}")


# ---------------------------------------------------------------------------------------------
# Reading the record: every field the rule needs, with its type checked, or Malformed.


def need(obj: dict[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or name not in obj:
        raise Malformed(f"{where}缺少字段 {name}")
    value = obj[name]
    # JSON has no separate integer type for bool, but Python does: true is not a count.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Malformed(f"{where}字段 {name} 的值 {json.dumps(value, ensure_ascii=False)[:80]} 类型不对")
    return value


def hex64(obj: dict[str, Any], name: str, where: str = "") -> str:
    value = need(obj, name, str, where)
    if not HEX64.fullmatch(value):
        raise Malformed(f"{where}字段 {name} 应为 64 位小写十六进制数字，记录为 {value!r}")
    return str(value)


def ratio(value: Any, where: str) -> Decimal:
    """A ratio is a decimal string in (0, 1], e.g. "0.05"."""
    if not isinstance(value, str) or not DECIMAL.fullmatch(value):
        raise Malformed(f'{where}比例应为十进制小数字符串（如 "0.05"），记录为 {value!r}')
    exact = Decimal(value)
    if not 0 < exact <= 1:
        raise Malformed(f"{where}比例 {value} 不在 (0, 1] 之内")
    return exact


@dataclass
class Sample:
    kind: str
    count: int | None = None
    ratio: Decimal | None = None
    colour_ratios: dict[str, Decimal] = field(default_factory=dict)

    def size(self, stratum_colour: str | None, stratum_size: int) -> int:
        """Rule 4: how many a stratum of this size gives, computed exactly in decimal."""
        if self.kind == "COUNT":
            assert self.count is not None
            return min(self.count, stratum_size)
        chosen = self.ratio if self.kind == "RATIO" else self.colour_ratios.get(str(stratum_colour))
        if chosen is None:  # a colour without a ratio
            return 0
        with localcontext() as exact:
            exact.prec = 50  # far more digits than any ratio × size needs: no rounding
            return math.ceil(chosen * stratum_size)


def read_sample(record: dict[str, Any]) -> Sample:
    where = "sample 中"
    sample = need(record, "sample", dict, "")
    kind = need(sample, "kind", str, where)
    if kind not in SAMPLE_KINDS:
        raise Malformed(f"sample.kind 应为 {'、'.join(SAMPLE_KINDS)} 之一，记录为 {kind!r}")
    own = {"COUNT": "count", "RATIO": "ratio", "COLOUR_RATIO": "colourRatios"}[kind]
    for member in ("count", "ratio", "colourRatios"):
        if member != own and sample.get(member) is not None:
            raise Malformed(f"sample.kind 为 {kind} 时只应填写 {own}，{member} 应为 null")
    if kind == "COUNT":
        count = need(sample, "count", int, where)
        if count < 1:
            raise Malformed(f"sample.count 应为正整数，记录为 {count}")
        return Sample(kind, count=count)
    if kind == "RATIO":
        return Sample(kind, ratio=ratio(need(sample, "ratio", str, where), "sample.ratio："))
    ratios: dict[str, Decimal] = {}
    for entry in need(sample, "colourRatios", list, where):
        colour = need(entry, "colour", str, "sample.colourRatios 中")
        if colour not in COLOURS or colour in ratios:
            raise Malformed(f"sample.colourRatios 中的颜色 {colour!r} 未知或重复")
        ratios[colour] = ratio(need(entry, "ratio", str, "sample.colourRatios 中"), f"{colour} 的")
    return Sample(kind, colour_ratios=ratios)


@dataclass
class Department:
    """One department's share of the inspector pool, and the loads while assigning (rule 6)."""

    code: str
    per_target: int
    certificates: list[str]
    cap: int = 0
    load: dict[str, int] = field(default_factory=dict)


def read_pool(record: dict[str, Any]) -> list[Department]:
    pool = []
    for entry in need(record, "inspectorPool", list, ""):
        where = "inspectorPool 中"
        code = need(entry, "departmentCode", str, where)
        per_target = need(entry, "perTarget", int, where)
        certificates = need(entry, "certificateNos", list, where)
        if per_target < 1 or not certificates or not all(isinstance(c, str) for c in certificates):
            raise Malformed(f"inspectorPool 中部门 {code} 的 perTarget 或 certificateNos 无效")
        pool.append(Department(code, per_target, certificates))
    if not pool:
        raise Malformed("inspectorPool 为空")
    return pool


def read_selections(record: dict[str, Any]) -> list[dict[str, Any]]:
    selections: list[dict[str, Any]] = need(record, "selections", list, "")
    for number, selection in enumerate(selections, 1):
        where = f"selections 第 {number} 项"
        need(selection, "order", int, where)
        need(selection, "uscc", str, where)
        need(selection, "key", str, where)
        need(selection, "colour", (str, type(None)), where)
        for inspector in need(selection, "inspectors", list, where):
            need(inspector, "certificateNo", str, where + "的 inspectors 中")
            need(inspector, "departmentCode", str, where + "的 inspectors 中")
        if not all(isinstance(c, str) for c in need(selection, "recused", list, where)):
            raise Malformed(f"{where}的 recused 应为证件号列表")
        need(selection, "replaces", (str, type(None)), where)
        need(selection, "replacedBy", (str, type(None)), where)
    return selections


def read_candidates(record: dict[str, Any], downloaded: list[str] | None) -> list[str]:
    """The candidate list: from the record, or from candidates.txt when the record omits it."""
    listed = record.get("candidates")
    if listed is None and downloaded is None:
        raise Malformed("记录中没有 candidates：请用 --candidates 指定下载的 candidates.txt")
    if listed is not None and (not isinstance(listed, list) or not all(isinstance(u, str) for u in listed)):
        raise Malformed("candidates 应为统一社会信用代码的列表")
    if listed is not None and downloaded is not None and listed != downloaded:
        first = next((i for i, pair in enumerate(zip(listed, downloaded, strict=False)) if pair[0] != pair[1]), None)
        at = f"第 {first + 1} 行" if first is not None else "行数"
        raise Difference(f"--candidates 文件与记录中的 candidates 不一致（{at}不同）")
    return listed if listed is not None else downloaded  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# The check itself, rule by rule. It stops at the first difference.


def verify(record: dict[str, Any], downloaded: list[str] | None = None) -> str:
    """Recompute the draw from the record alone; the summary when it agrees, else raise."""
    if not isinstance(record, dict):
        raise Malformed("记录应为一个 JSON 对象")
    commitment = hex64(record, "seedCommitment")
    if record.get("seed") is None:
        raise Malformed(f"该计划尚未抽取（seed 为 null）：目前只公示了种子承诺值 {commitment}，抽取后才能核对")
    seed = hex64(record, "seed")

    # Rule 1: the seed is the one committed to at approval, before anyone could see it.
    actual = hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    if actual != commitment:
        raise Difference(f"规则 1（种子承诺）：sha256(seed) 为 {actual}，与公示的承诺值 {commitment} 不符")

    # Rule 2: the candidate list is what was published, sorted, without repeats.
    candidates = read_candidates(record, downloaded)
    for i in range(1, len(candidates)):
        before, after = candidates[i - 1], candidates[i]
        if before == after:
            raise Difference(f"规则 2（候选名单）：第 {i} 个与第 {i + 1} 个候选对象重复（{after}）")
        if before > after:
            raise Difference(f"规则 2（候选名单）：第 {i} 个 {before} 排在第 {i + 1} 个 {after} 之前，不是升序")
    count = need(record, "candidateCount", int, "")
    if count != len(candidates):
        raise differ("规则 2（候选对象数）candidateCount", len(candidates), count)
    listed_hash = hex64(record, "candidateListHash")
    if sha256_hex("\n".join(candidates)) != listed_hash:
        raise differ("规则 2（候选名单哈希）candidateListHash", sha256_hex("\n".join(candidates)), listed_hash)

    # The colours only matter, and are only published, when the sample is by colour.
    sample = read_sample(record)
    colour_of: dict[str, str] = {}
    if sample.kind == "COLOUR_RATIO":
        colours = need(record, "candidateColours", list, "按颜色抽样的记录")
        if len(colours) != len(candidates) or not all(c in COLOURS for c in colours):
            raise Malformed("candidateColours 应与 candidates 一一对应，每项为 GREEN、YELLOW、RED 或 BLACK")
        colour_of = dict(zip(candidates, colours, strict=True))
    elif record.get("candidateColours") is not None:
        raise Difference("candidateColours：不按颜色抽样时应为 null（风险颜色属内部信息，不公示）")

    # Rule 4: the strata (the whole list, or one per colour present) and each one's sample size.
    strata: dict[str | None, list[str]] = {}
    if sample.kind == "COLOUR_RATIO":
        for colour in COLOURS:
            members = [uscc for uscc in candidates if colour_of[uscc] == colour]
            if members:
                strata[colour] = members
    else:
        strata[None] = candidates
    sizes = {colour: sample.size(colour, len(members)) for colour, members in strata.items()}
    expected_strata = [(colour, len(members), sizes[colour]) for colour, members in strata.items()]
    found_strata = [
        (need(s, "colour", (str, type(None)), "strata 中"), need(s, "size", int, ""), need(s, "sampleSize", int, ""))
        for s in need(record, "strata", list, "")
    ]
    if found_strata != expected_strata:
        raise differ("规则 4（分层与各层抽取数）", describe_strata(expected_strata), describe_strata(found_strata))

    # Rule 3: every candidate's key; within a stratum, the order in which it is drawn from.
    key_of = {uscc: entity_key(seed, uscc) for uscc in candidates}
    by_key = {colour: sorted(members, key=lambda u: (key_of[u], u)) for colour, members in strata.items()}

    # Rules 4 and 5: the first n of each stratum, all of them then numbered by key.
    drawn = [uscc for colour, ordered in by_key.items() for uscc in ordered[: sizes[colour]]]
    drawn.sort(key=lambda u: (key_of[u], u))
    total = len(drawn)

    selections = read_selections(record)
    for number, selection in enumerate(selections, 1):
        if selection["order"] != number:
            raise differ(f"规则 5（抽取顺序）：selections 第 {number} 项的 order", number, selection["order"])
    for number, uscc in enumerate(drawn, 1):
        if number > len(selections):
            raise differ(f"规则 5：第 {number} 个抽取对象", uscc, f"（缺失：记录只有 {len(selections)} 个）")
        check_selection(selections[number - 1], uscc, key_of[uscc], colour_of, "规则 4、5（抽取结果）")
        if selections[number - 1]["replaces"] is not None:
            found = selections[number - 1]["replaces"]
            raise differ(f"第 {number} 个抽取对象的 replaces", "null（它是抽取的，不是替补）", found)

    # Rule 7, the entities only: each replacement is the next unselected candidate of its stratum.
    replaced_by: dict[str, str] = {}
    selected = set(drawn)
    for selection in selections[total:]:
        number, replaces = selection["order"], selection["replaces"]
        where = f"规则 7（替补）：第 {number} 个（替补）"
        earlier = [s["uscc"] for s in selections[: number - 1]]
        if replaces is None:
            raise differ(f"{where}的 replaces", f"被替补对象的代码（规则只抽取 {total} 个）", "null")
        if replaces not in earlier:
            raise differ(f"{where}的 replaces", "此前某个抽取对象的代码", replaces)
        if replaces in replaced_by:
            raise Difference(f"{where}：{replaces} 已由 {replaced_by[replaces]} 替补过，不能再被替补")
        stratum = by_key[colour_of[replaces] if sample.kind == "COLOUR_RATIO" else None]
        nxt = next((uscc for uscc in stratum if uscc not in selected), None)
        if nxt is None:
            raise Difference(f"{where}：{replaces} 所在的层已没有未被抽中的对象，不可能有替补 {selection['uscc']}")
        check_selection(selection, nxt, key_of[nxt], colour_of, where)
        replaced_by[replaces] = nxt
        selected.add(nxt)
    for selection in selections:
        expected, found = replaced_by.get(selection["uscc"]), selection["replacedBy"]
        if found != expected:
            where = f"规则 7：第 {selection['order']} 个（{selection['uscc']}）的 replacedBy"
            raise differ(where, expected or "null", found or "null")

    # Rules 6 and 7, the inspectors: per department, in draw order, then the replacements.
    pool = read_pool(record)
    check_pool(pool)
    for department in pool:
        # Each inspector's load is capped so that the work is spread evenly.
        department.cap = math.ceil(total * department.per_target / len(department.certificates))
        department.load = dict.fromkeys(department.certificates, 0)
    in_pool = {c for department in pool for c in department.certificates}
    assigned: dict[str, list[tuple[str, str]]] = {}
    for selection in selections:
        number, uscc = selection["order"], selection["uscc"]
        for certificate in selection["recused"]:
            if certificate not in in_pool:
                raise Difference(f"第 {number} 个（{uscc}）的回避名单中有 {certificate}，它不在 inspectorPool 中")
        if selection["replaces"] is not None:  # rule 7: the replaced entity's inspectors are freed first
            for certificate, code in assigned[selection["replaces"]]:
                next(d for d in pool if d.code == code).load[certificate] -= 1
        team = [(c, d.code) for d in pool for c in assign(d, seed, uscc, set(selection["recused"]), number)]
        found = [(i["certificateNo"], i["departmentCode"]) for i in selection["inspectors"]]
        if found != team:
            raise differ(f"规则 6（检查人员分派）：第 {number} 个（{uscc}）的检查人员", describe(team), describe(found))
        assigned[uscc] = team

    standing = [s for s in selections if s["replacedBy"] is None]
    visits = sum(len(s["inspectors"]) for s in standing)
    return (
        f"{len(candidates)} 个候选对象，抽取 {total} 户，检查人员分派 {visits} 人次，"
        f"替补 {len(selections) - total} 户，全部与公示记录一致"
    )


def check_selection(selection: dict[str, Any], uscc: str, key: str, colour_of: dict[str, str], rule: str) -> None:
    """One selection is the expected entity, with its key and (by colour) its colour."""
    number = selection["order"]
    if selection["uscc"] != uscc:
        raise differ(f"{rule}：第 {number} 个抽取对象", uscc, selection["uscc"])
    if selection["key"] != key:
        raise differ(f"规则 3（排序键）：第 {number} 个（{uscc}）的 key", key, selection["key"])
    # A selection's colour is its stratum's: null unless the sample is by colour (colours are internal).
    if selection["colour"] != colour_of.get(uscc):
        raise differ(
            f"第 {number} 个（{uscc}）的颜色 colour", colour_of.get(uscc) or "null", selection["colour"] or "null"
        )


def check_pool(pool: list[Department]) -> None:
    """The pool's own order: the lead first, then partners by department code; certificates ascending."""
    partners = [d.code for d in pool[1:]]
    if partners != sorted(partners) or len({d.code for d in pool}) != len(pool):
        where = "inspectorPool 中协办部门的顺序（牵头部门在前，其余按部门代码升序）"
        raise differ(where, "、".join(sorted(partners)), "、".join(partners))
    seen: set[str] = set()
    for department in pool:
        if department.certificates != sorted(set(department.certificates)) or seen & set(department.certificates):
            raise Difference(f"inspectorPool 中部门 {department.code} 的证件号应升序且不重复")
        seen |= set(department.certificates)


def assign(department: Department, seed: str, uscc: str, recused: set[str], number: int) -> list[str]:
    """Rule 6 for one department and one entity: the pool minus the recused, by inspector key;
    the first `perTarget` whose load is still below the cap."""
    eligible = [c for c in department.certificates if c not in recused]
    # sorted() keeps equal keys in certificate order; distinct texts never share a sha256 anyway.
    eligible.sort(key=lambda certificate: inspector_key(seed, uscc, certificate))
    chosen = [c for c in eligible if department.load[c] < department.cap][: department.per_target]
    if len(chosen) < department.per_target:
        raise Difference(
            f"规则 6：第 {number} 个（{uscc}）在部门 {department.code} 只有 {len(chosen)} 名检查人员可分派，"
            f"少于每户 {department.per_target} 名：这样的抽取本应被拒绝"
        )
    for certificate in chosen:
        department.load[certificate] += 1
    return chosen


def describe(inspectors: list[tuple[str, str]]) -> str:
    return "、".join(f"{c}（{d}）" for c, d in inspectors) or "（无）"


def describe_strata(strata: list[tuple[Any, Any, Any]]) -> str:
    parts = [f"{COLOUR_NAMES.get(c, c) if c else '全部'} {s} 户抽 {n} 户" for c, s, n in strata]
    return "；".join(parts) or "（无）"


# ---------------------------------------------------------------------------------------------
# The command line.


def load_record(text: str) -> dict[str, Any]:
    """The record from the text of a file: the bare object, or a GraphQL response around it."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Malformed(f"不是有效的 JSON（第 {error.lineno} 行第 {error.colno} 列）") from None
    if isinstance(document, dict) and "data" in document:
        data = document["data"]
        if not isinstance(data, dict) or "publicDrawRecord" not in data:
            problems = "；".join(str(e.get("message")) for e in document.get("errors") or [] if isinstance(e, dict))
            raise Malformed(f"GraphQL 响应中没有 publicDrawRecord{('：' + problems) if problems else ''}")
        document = data["publicDrawRecord"]
        if document is None:
            raise Malformed("publicDrawRecord 为 null：没有这个计划")
    if not isinstance(document, dict):
        raise Malformed("记录应为一个 JSON 对象")
    return document


def read_text(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.buffer.read().decode("utf-8-sig")
        with open(path, encoding="utf-8-sig") as file:
            return file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise Malformed(f"无法读取 {path}：{error}") from None


def candidate_lines(text: str) -> list[str]:
    """candidates.txt: one code a line; a final newline and Windows line ends are allowed."""
    lines = text.replace("\r\n", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


class ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix or "用法：")


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="verify_draw.py",
        description="核对“双随机、一公开”的抽取记录：按 tools/draw_record.md 的规则，只用记录本身重算种子承诺、"
        "候选名单、分层与抽取数、抽中对象及顺序、检查人员分派（含回避与上限）和替补，与记录逐项比对。",
        epilog="退出码：0 全部一致；1 有不一致（给出第一处）；"
        "2 记录无法核对（缺字段、十六进制错误、比例越界、文件无法读取）。",
        formatter_class=ChineseHelp,
        add_help=False,
    )
    arguments = command.add_argument_group("参数")
    arguments.add_argument(
        "record", metavar="记录.json", help="抽取记录（/public/draws/{计划编号}.json 或 GraphQL 响应）；- 表示标准输入"
    )
    options = command.add_argument_group("选项")
    options.add_argument("--candidates", metavar="文件", help="下载的 candidates.txt（记录中没有候选名单时使用）")
    options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    return command


def main(argv: list[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    try:
        record = load_record(read_text(arguments.record))
        downloaded = candidate_lines(read_text(arguments.candidates)) if arguments.candidates else None
        summary = verify(record, downloaded)
    except Malformed as problem:
        print(f"无法核对：{problem}", file=sys.stderr)
        return 2
    except Difference as difference:
        print(f"不一致：{difference}")
        return 1
    print(f"OK：{summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
