"""The standalone draw verifier, loaded as the file it is, and a small generator of draw records
that follows tools/draw_record.md, for tests that tamper with a record."""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from services.registry import uscc as uscc_rule
from tests.conftest import ROOT

VERIFIER = ROOT / "tools" / "verify_draw.py"
COLOURS = ("GREEN", "YELLOW", "RED", "BLACK")
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def load_verifier() -> ModuleType:
    """tools/verify_draw.py by path: it is a script, not part of any package."""
    spec = importlib.util.spec_from_file_location("verify_draw", VERIFIER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("verify_draw", module)  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def system_python() -> str | None:
    """A python3 outside this virtualenv (the citizen's own), or None."""
    venv = Path(sys.prefix).resolve()
    for folder in [*os.environ.get("PATH", "").split(os.pathsep), "/usr/bin", "/usr/local/bin"]:
        found = shutil.which("python3", path=folder)
        if found and venv not in Path(found).resolve().parents:
            return found
    return None


def usccs(count: int, start: int = 0) -> list[str]:
    """`count` valid codes of 中山区 companies, in no particular order."""
    codes = []
    for n in range(start, start + count):
        body = "".join(ALPHABET[(5_000_000 + n * 7919) // 31**k % 31] for k in range(7, -1, -1))
        codes.append(uscc_rule.compose("9", "1", "210202", body))
    return codes


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Draw:
    """What a draw is made of; `record()` is what the platform would publish for it."""

    candidates: list[str]
    sample: dict[str, Any]  # {"kind": "COUNT", "count": 5} | {"kind": "RATIO", "ratio": "0.1"} | colourRatios
    pool: list[tuple[str, int, list[str]]]  # (departmentCode, perTarget, certificate numbers)
    seed: bytes = bytes(range(32))
    colours: dict[str, str] = field(default_factory=dict)  # uscc → colour; GREEN when not named
    conflicts: dict[str, set[str]] = field(default_factory=dict)  # uscc → certificate numbers (回避)
    replace: list[str] = field(default_factory=list)  # the USCCs replaced, in this order

    def record(self) -> dict[str, Any]:
        seed = self.seed.hex()
        candidates = sorted(set(self.candidates))
        by_colour = self.sample["kind"] == "COLOUR_RATIO"
        colour = {u: self.colours.get(u, "GREEN") for u in candidates}
        key = {u: sha(f"{seed}:{u}") for u in candidates}
        strata: dict[str | None, list[str]] = {}
        for u in candidates:
            strata.setdefault(colour[u] if by_colour else None, []).append(u)
        strata = {c: sorted(strata[c], key=lambda u: (key[u], u)) for c in sorted(strata, key=_colour_rank)}
        sizes = {c: self._size(c, len(members)) for c, members in strata.items()}
        drawn = sorted((u for c, members in strata.items() for u in members[: sizes[c]]), key=lambda u: (key[u], u))
        total = len(drawn)
        loads = {code: dict.fromkeys(certs, 0) for code, _, certs in self.pool}
        caps = {code: math.ceil(total * per / len(certs)) for code, per, certs in self.pool}
        selections: list[dict[str, Any]] = []

        def select(u: str, replaces: str | None) -> None:
            team = []
            for code, per, certs in self.pool:
                order = sorted((c for c in certs if c not in self.conflicts.get(u, set())),
                               key=lambda c: sha(f"{seed}:{u}:{c}"))  # fmt: skip
                chosen = [c for c in order if loads[code][c] < caps[code]][:per]
                assert len(chosen) == per, f"not enough inspectors of {code} for {u}"
                for c in chosen:
                    loads[code][c] += 1
                team += [{"certificateNo": c, "departmentCode": code} for c in chosen]
            recused = sorted(c for _, _, certs in self.pool for c in certs if c in self.conflicts.get(u, set()))
            selections.append({
                "order": len(selections) + 1, "uscc": u, "colour": colour[u] if by_colour else None, "key": key[u],
                "inspectors": team, "recused": recused, "replaces": replaces, "replacedBy": None,
                "replacementReason": "已注销" if replaces else None,
            })  # fmt: skip

        for u in drawn:
            select(u, None)
        for gone in self.replace:
            old = next(s for s in selections if s["uscc"] == gone)
            for member in old["inspectors"]:
                loads[member["departmentCode"]][member["certificateNo"]] -= 1
            taken = {s["uscc"] for s in selections}
            new = next(u for u in strata[colour[gone] if by_colour else None] if u not in taken)
            old["replacedBy"] = new
            select(new, gone)
        return {
            "planId": "7",
            "planName": "2026年度食品经营者双随机抽查",
            "seed": seed,
            "seedCommitment": hashlib.sha256(self.seed).hexdigest(),
            "drawnAt": "2026-12-04T09:30:00+00:00",
            "drawDate": "2026-12-04",
            "filter": {
                "regionCode": "210202",
                "industryPrefix": None,
                "entityType": None,
                "status": "ACTIVE",
                "matterCode": None,
                "colours": None,
            },
            "sample": {
                "kind": self.sample["kind"],
                "count": self.sample.get("count"),
                "ratio": self.sample.get("ratio"),
                "colourRatios": self.sample.get("colourRatios"),
            },
            "candidateCount": len(candidates),
            "candidateListHash": sha("\n".join(candidates)),
            "candidates": candidates,
            "candidateColours": [colour[u] for u in candidates] if by_colour else None,
            "strata": [{"colour": c, "size": len(m), "sampleSize": sizes[c]} for c, m in strata.items()],
            "inspectorPool": [
                {"departmentCode": code, "perTarget": per, "certificateNos": sorted(certs)}
                for code, per, certs in self.pool
            ],
            "selections": selections,
        }

    def _size(self, colour: str | None, size: int) -> int:
        kind = self.sample["kind"]
        if kind == "COUNT":
            return min(int(self.sample["count"]), size)
        if kind == "RATIO":
            return math.ceil(Decimal(self.sample["ratio"]) * size)
        ratios = {r["colour"]: Decimal(r["ratio"]) for r in self.sample["colourRatios"]}
        return math.ceil(ratios[colour] * size) if colour in ratios else 0


def _colour_rank(colour: str | None) -> int:
    return COLOURS.index(colour) if colour else 0


def certificates(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:05d}" for n in range(1, count + 1)]


SCJG = ("SCJG-210202", 2, certificates("21020200", 6))
WSJK = ("WSJK-210202", 1, certificates("21020201", 3))
