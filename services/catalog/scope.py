"""经营范围: normalising a registered business scope, and matching it to the duty catalog.

domain.md: a matter matches by its standard business-scope entry codes
(经营范围规范表述条目代码) where the registration gives them (and the matter has
codes), else by its keywords
found in the normalised scope text (full-width/half-width folded, split on
；;，,、, the boilerplate "依法须经批准的项目…" removed)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The sentences every scope carries that say nothing about the business itself.
_BOILERPLATE = [
    re.compile(r"\(依法须经批准的项目[^)]*\)"),
    re.compile(r"\(除依法须经批准的项目外[^)]*\)"),
    re.compile(r"依法须经批准的项目[,，]?经相关部门批准后方可开展经营活动[^;。]*"),
    re.compile(r"(许可项目|一般项目|经营范围)\s*:"),
]
_SEPARATORS = re.compile(r"[;,、。\n]+")


def normalise(scope: str) -> str:
    """Full-width forms folded to half-width (NFKC), boilerplate removed, spaces squeezed."""
    text = unicodedata.normalize("NFKC", scope)
    for pattern in _BOILERPLATE:
        text = pattern.sub(";", text)
    return re.sub(r"\s+", "", text)


def phrases(scope: str) -> list[str]:
    """The scope's items, in order, without duplicates."""
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(normalise(scope)):
        item = part.strip("()（） ")
        if item:
            seen.setdefault(item, None)
    return list(seen)


@dataclass(frozen=True)
class MatchRule:
    """What one catalog matter answers to."""

    key: str  # the matter's code
    entry_codes: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScopeMatch:
    matter_keys: list[str]
    by: str  # "ENTRY_CODE", "KEYWORD" or "NONE"
    unmatched: list[str] = field(default_factory=list)  # phrases no matter answered to: catalog gaps


class ScopeMatcher:
    """Built once per catalog version; matching a registration is then one regex pass."""

    def __init__(self, rules: Iterable[MatchRule]) -> None:
        self._rules = list(rules)
        self._by_code: dict[str, list[str]] = {}
        self._by_keyword: dict[str, list[str]] = {}
        self._coded = {rule.key for rule in self._rules if rule.entry_codes}
        for rule in self._rules:
            for code in rule.entry_codes:
                self._by_code.setdefault(code.strip().upper(), []).append(rule.key)
            for keyword in rule.keywords:
                folded = normalise(keyword)
                if folded:
                    self._by_keyword.setdefault(folded, []).append(rule.key)
        # Longest first, so "道路危险货物运输" is found whole, not as "道路货物运输"'s neighbour.
        alternatives = sorted(self._by_keyword, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def match(self, scope: str, entry_codes: Sequence[str] = ()) -> ScopeMatch:
        """Each matter decides by its own rule: where the registration gives entry codes,
        a matter that has codes matches by them alone; a matter without codes (and every
        matter when no codes are given) matches by its keywords in the text."""
        coded = [key for code in entry_codes for key in self._by_code.get(code.strip().upper(), [])]
        keys: list[str] = []
        unmatched: list[str] = []
        for item in phrases(scope):
            found = self._keywords_in(item)
            if not found:
                unmatched.append(item)  # a phrase no keyword covers is a catalog gap
                continue
            for keyword in found:
                keys.extend(key for key in self._by_keyword[keyword] if not (entry_codes and key in self._coded))
        matched = _unique([*coded, *keys])
        by = "ENTRY_CODE" if coded else ("KEYWORD" if matched else "NONE")
        return ScopeMatch(matched, by, unmatched)

    def _keywords_in(self, text: str) -> list[str]:
        if self._pattern is None:
            return []
        # Overlapping keywords ("食品销售" inside "食品销售(仅销售预包装食品)") are all found
        # by searching again from each position a match starts at.
        found: list[str] = []
        position = 0
        while (hit := self._pattern.search(text, position)) is not None:
            found.append(hit.group(0))
            position = hit.start() + 1
        return _unique(found)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
