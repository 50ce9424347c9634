"""verify-draw, the platform's half: a published draw record recomputed by the platform's own rule
(services.spotchecks.draw_rule) and compared with what it publishes, field by field.

The standalone tools/verify_draw.py checks the same record with a second, independent
implementation of tools/draw_record.md; `manage.py verify-draw` runs both, so that a mistake in
either implementation, or a record changed after the draw, shows as a disagreement."""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from services.spotchecks import draw_rule

STANDALONE = Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"

# What the rule decides of each selection (replacementReason is a person's words, not the rule's).
_DECIDED = ("order", "uscc", "colour", "key", "inspectors", "recused", "replaces", "replacedBy")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str  # a one-line summary when ok, else the first difference


def _first_selection_difference(
    expected: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]]
) -> str | None:
    for recomputed, published in zip(expected, found, strict=False):
        for name in _DECIDED:
            if recomputed.get(name) != published.get(name):
                return (
                    f"第 {recomputed['order']} 个抽取对象的 {name}：按规则应为 {recomputed.get(name)}，"
                    f"记录为 {published.get(name)}"
                )
    if len(expected) != len(found):
        return f"抽取对象（含替补）：按规则应为 {len(expected)} 个，记录为 {len(found)} 个"
    return None


def check_record(record: Mapping[str, Any]) -> Verdict:
    """The record as the platform's own rule recomputes it from the record alone."""
    candidates = list(record["candidates"])
    if candidates != sorted(set(candidates)):
        return Verdict(False, "候选名单不是严格升序（或有重复）")
    if record["candidateCount"] != len(candidates):
        return Verdict(False, f"candidateCount：名单有 {len(candidates)} 个，记录为 {record['candidateCount']}")
    try:
        recomputed = draw_rule.recompute(record)
    except draw_rule.DrawRuleError as error:
        return Verdict(False, f"按规则无法重算：{error}")
    except (KeyError, TypeError, ValueError) as error:
        return Verdict(False, f"记录格式不对，无法重算：{error!r}")
    if not recomputed["seedCommitmentOk"]:
        return Verdict(False, "种子与公示的承诺值不符：sha256(seed) ≠ seedCommitment")
    if recomputed["candidateListHash"] != record["candidateListHash"]:
        return Verdict(
            False,
            f"candidateListHash：按规则应为 {recomputed['candidateListHash']}，记录为 {record['candidateListHash']}",
        )
    if recomputed["strata"] != list(record["strata"]):
        return Verdict(False, f"分层：按规则应为 {recomputed['strata']}，记录为 {record['strata']}")
    difference = _first_selection_difference(recomputed["selections"], record["selections"])
    if difference is not None:
        return Verdict(False, difference)
    drawn = sum(int(s["sampleSize"]) for s in recomputed["strata"])
    replacements = len(recomputed["selections"]) - drawn
    return Verdict(True, f"{len(candidates)} 个候选对象，抽取 {drawn} 户，替补 {replacements} 户，与公示记录一致")


@functools.cache
def _standalone() -> ModuleType:
    """tools/verify_draw.py, loaded by its path: a script that anyone runs with the standard
    library alone, deliberately outside the platform's packages."""
    spec = importlib.util.spec_from_file_location("verify_draw", STANDALONE)
    assert spec is not None and spec.loader is not None, STANDALONE
    module = importlib.util.module_from_spec(spec)
    sys.modules["verify_draw"] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def standalone_check(record: Mapping[str, Any]) -> Verdict:
    """The same record checked by tools/verify_draw.py, in this process."""
    verifier = _standalone()
    try:
        return Verdict(True, str(verifier.verify(dict(record))))
    except verifier.Difference as difference:
        return Verdict(False, str(difference))
    except verifier.Malformed as problem:
        return Verdict(False, f"无法核对：{problem}")
