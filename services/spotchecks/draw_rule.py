"""The draw rule of tools/draw_record.md, alone: standard library only, no database.

The platform draws with these functions and anyone can recompute a published record with
them (`recompute`), so the rule exists once. Everything is decided by the seed and the
published lists: candidates in code-point order, sha256 keys, exact decimal sample sizes."""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

COLOUR_ORDER = ("GREEN", "YELLOW", "RED", "BLACK")
COUNT, RATIO, COLOUR_RATIO = "COUNT", "RATIO", "COLOUR_RATIO"


class DrawRuleError(Exception):
    """The rule cannot be carried out (not enough inspectors, nothing left to replace with)."""

    def __init__(self, code: str, message: str, department_code: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.department_code = department_code


@dataclass(frozen=True)
class Sample:
    kind: str
    count: int | None = None
    ratio: Decimal | None = None
    colour_ratios: Mapping[str, Decimal] | None = None

    @property
    def by_colour(self) -> bool:
        return self.kind == COLOUR_RATIO


@dataclass(frozen=True)
class Stratum:
    colour: str | None
    size: int
    sample_size: int


@dataclass(frozen=True)
class Pool:
    """One department's eligible inspectors (certificate numbers ascending) and its count per target."""

    department_code: str
    per_target: int
    certificate_nos: tuple[str, ...]


@dataclass
class Selection:
    order: int
    uscc: str
    colour: str | None  # the stratum's colour (None when the sample is not by colour)
    key: str
    inspectors: list[tuple[str, str]] = field(default_factory=list)  # (certificateNo, departmentCode)
    recused: list[str] = field(default_factory=list)
    replaces: str | None = None
    replaced_by: str | None = None
    replacement_reason: str | None = None


def candidate_list_hash(candidates: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest()


def seed_commitment(seed_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def key_of(seed_hex: str, uscc: str) -> str:
    return hashlib.sha256(f"{seed_hex}:{uscc}".encode()).hexdigest()


def inspector_key(seed_hex: str, uscc: str, certificate_no: str) -> str:
    return hashlib.sha256(f"{seed_hex}:{uscc}:{certificate_no}".encode()).hexdigest()


def keys_of(seed_hex: str, candidates: Sequence[str]) -> list[str]:
    """Every candidate's key, in a tight loop (a million candidates take under a second)."""
    prefix = f"{seed_hex}:".encode()
    sha256 = hashlib.sha256
    encoded = "\n".join(candidates).encode().split(b"\n") if candidates else []
    return [sha256(prefix + uscc).hexdigest() for uscc in encoded]


def smallest(n: int, keys: Sequence[str], usccs: Sequence[str]) -> list[tuple[str, str]]:
    """The `n` smallest (key, uscc) pairs, ascending. The keys are uniform hex digests, so a bound
    a little above the n-th's expected value keeps a small set to sort; when fewer than n fall
    below it (unlikely), every pair is weighed: the answer is exact either way."""
    size = len(keys)
    if n <= 0:
        return []
    if n * 4 >= size:
        return sorted(zip(keys, usccs, strict=True))[:n]
    share = n / size * 1.25 + 64 / size
    if share < 1:
        bound = format(int(share * 16**8), "08x")
        few = sorted((k, u) for k, u in zip(keys, usccs, strict=True) if k < bound)
        if len(few) >= n:
            return few[:n]
    return heapq.nsmallest(n, zip(keys, usccs, strict=True))


def sample_size(sample: Sample, size: int, colour: str | None) -> int:
    """n for a stratum of `size`: min(count, size), or ceil(ratio × size) exactly (a colour without a ratio: 0)."""
    if sample.kind == COUNT:
        assert sample.count is not None
        return min(sample.count, size)
    ratio = sample.ratio if sample.kind == RATIO else (sample.colour_ratios or {}).get(colour or "")
    if ratio is None:
        return 0
    return min(size, math.ceil(Fraction(ratio) * size))


def strata_of(
    sample: Sample, candidates: Sequence[str], colours: Sequence[str] | None
) -> list[tuple[Stratum, list[int]]]:
    """The strata and the candidate positions of each: the whole list, or each colour present
    in the order GREEN, YELLOW, RED, BLACK."""
    if not sample.by_colour:
        everyone = list(range(len(candidates)))
        return [(Stratum(None, len(candidates), sample_size(sample, len(candidates), None)), everyone)]
    assert colours is not None and len(colours) == len(candidates)
    members: dict[str, list[int]] = {}
    for position, colour in enumerate(colours):
        members.setdefault(colour, []).append(position)
    return [
        (Stratum(colour, len(members[colour]), sample_size(sample, len(members[colour]), colour)), members[colour])
        for colour in COLOUR_ORDER
        if colour in members
    ]


def draw(
    seed_hex: str, sample: Sample, candidates: Sequence[str], colours: Sequence[str] | None
) -> tuple[list[Stratum], list[Selection]]:
    """Rules 3–5: the strata and the selections in draw order (numbered from 1, no inspectors yet)."""
    keys = keys_of(seed_hex, candidates)
    strata: list[Stratum] = []
    chosen: list[tuple[str, str, str | None]] = []
    for stratum, positions in strata_of(sample, candidates, colours):
        strata.append(stratum)
        if not stratum.sample_size:
            continue
        if stratum.colour is None:
            members_keys, members = keys, candidates
        else:
            members_keys, members = [keys[p] for p in positions], [candidates[p] for p in positions]
        chosen.extend((key, uscc, stratum.colour) for key, uscc in smallest(stratum.sample_size, members_keys, members))
    chosen.sort()
    selections = [Selection(order, uscc, colour, key) for order, (key, uscc, colour) in enumerate(chosen, start=1)]
    return strata, selections


class Assigner:
    """Rule 6: per department, the cap and every inspector's load; assigns one selection at a time."""

    def __init__(self, seed_hex: str, pools: Sequence[Pool], targets: int) -> None:
        self.seed_hex = seed_hex
        self.pools = list(pools)
        self.caps = {
            pool.department_code: math.ceil(targets * pool.per_target / len(pool.certificate_nos))
            if pool.certificate_nos
            else 0
            for pool in self.pools
        }
        self.loads: dict[tuple[str, str], int] = {}
        # Each certificate with its bytes and its key in `loads`, made once rather than per target.
        self.encoded = {
            pool.department_code: [(c, c.encode(), (pool.department_code, c)) for c in pool.certificate_nos]
            for pool in self.pools
        }

    def assign(self, selection: Selection, conflicts: Iterable[str]) -> None:
        """Fills `selection.inspectors` and `.recused`; DrawRuleError NOT_ENOUGH_INSPECTORS naming
        the department that cannot staff it."""
        conflicted = set(conflicts)
        selection.inspectors = []
        recused: set[str] = set()
        sha256 = hashlib.sha256
        prefix = f"{self.seed_hex}:{selection.uscc}:".encode()
        for pool in self.pools:
            code, cap = pool.department_code, self.caps[pool.department_code]
            if conflicted:
                recused.update(c for c in pool.certificate_nos if c in conflicted)
            # "The first perTarget in key order whose load is below the cap" are the perTarget
            # smallest keys among those below it: inspectors at their cap need no key, and the
            # rest need no full sort. Raw digests order as their hex digests do.
            loads = self.loads
            ranked = heapq.nsmallest(
                pool.per_target,
                [
                    (sha256(prefix + encoded).digest(), c)
                    for c, encoded, load_key in self.encoded[code]
                    if loads.get(load_key, 0) < cap and c not in conflicted
                ],
            )
            taken = [certificate for _, certificate in ranked]
            if len(taken) < pool.per_target:
                raise DrawRuleError(
                    "NOT_ENOUGH_INSPECTORS",
                    f"{code} 可派检查人员不足：抽中对象 {selection.uscc} 需要 {pool.per_target} 名，"
                    f"回避和工作量上限（每人 {cap} 户）之后只有 {len(taken)} 名",
                    code,
                )
            for certificate in taken:
                self.loads[(code, certificate)] = self.loads.get((code, certificate), 0) + 1
                selection.inspectors.append((certificate, code))
        selection.recused = sorted(recused)

    def release(self, selection: Selection) -> None:
        for certificate, code in selection.inspectors:
            self.loads[(code, certificate)] -= 1


def next_in_stratum(
    seed_hex: str,
    candidates: Sequence[str],
    colours: Sequence[str] | None,
    colour: str | None,
    taken: set[str],
) -> tuple[str, str] | None:
    """Rule 7: the first candidate of the stratum (`colour`, or the whole list) by key, then USCC,
    that no selection holds yet: (key, uscc), or None when the stratum is exhausted."""
    members = [
        uscc
        for position, uscc in enumerate(candidates)
        if uscc not in taken and (colour is None or colours is None or colours[position] == colour)
    ]
    found = smallest(1, keys_of(seed_hex, members), members)
    return found[0] if found else None


# -- the published record -----------------------------------------------------------------------------


def sample_of(published: Mapping[str, Any]) -> Sample:
    kind = published["kind"]
    ratios = published.get("colourRatios")
    return Sample(
        kind=kind,
        count=published.get("count"),
        ratio=Decimal(published["ratio"]) if published.get("ratio") is not None else None,
        colour_ratios={r["colour"]: Decimal(r["ratio"]) for r in ratios} if ratios else None,
    )


def pools_of(published: Sequence[Mapping[str, Any]]) -> list[Pool]:
    return [Pool(p["departmentCode"], int(p["perTarget"]), tuple(p["certificateNos"])) for p in published]


def selection_json(selection: Selection) -> dict[str, Any]:
    return {
        "order": selection.order,
        "uscc": selection.uscc,
        "colour": selection.colour,
        "key": selection.key,
        "inspectors": [{"certificateNo": c, "departmentCode": d} for c, d in selection.inspectors],
        "recused": list(selection.recused),
        "replaces": selection.replaces,
        "replacedBy": selection.replaced_by,
        "replacementReason": selection.replacement_reason,
    }


def recompute(record: Mapping[str, Any]) -> dict[str, Any]:
    """The strata and selections that the record's seed, candidates, sample and inspector pool
    give by the rule, with its replacements (which selection each replaced, and why) replayed in
    order, and its recusals taken as published. The same shape as the record's; compare them."""
    seed = record["seed"]
    candidates = list(record["candidates"])
    colours = record.get("candidateColours")
    sample = sample_of(record["sample"])
    strata, selections = draw(seed, sample, candidates, colours)
    published = {s["order"]: s for s in record["selections"]}
    assigner = Assigner(seed, pools_of(record["inspectorPool"]), len(selections))
    for selection in selections:
        assigner.assign(selection, published.get(selection.order, {}).get("recused", []))
    by_uscc = {s.uscc: s for s in selections}
    for replacement in sorted((s for s in record["selections"] if s.get("replaces")), key=lambda s: s["order"]):
        replaced = by_uscc[replacement["replaces"]]
        found = next_in_stratum(seed, candidates, colours, replaced.colour, set(by_uscc))
        if found is None:
            raise DrawRuleError("NO_REPLACEMENT_LEFT", f"{replaced.colour or '全部'}层已无可替补的对象")
        key, uscc = found
        assigner.release(replaced)
        new = Selection(len(selections) + 1, uscc, replaced.colour, key)
        new.replaces, new.replacement_reason = replaced.uscc, replacement.get("replacementReason")
        replaced.replaced_by = uscc
        assigner.assign(new, replacement.get("recused", []))
        selections.append(new)
        by_uscc[uscc] = new
    return {
        "seedCommitmentOk": seed_commitment(seed) == record["seedCommitment"],
        "candidateListHash": candidate_list_hash(candidates),
        "strata": [{"colour": s.colour, "size": s.size, "sampleSize": s.sample_size} for s in strata],
        "selections": [selection_json(s) for s in selections],
    }
