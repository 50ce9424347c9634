"""Business-scope normalisation and matching (domain.md, 双告知 step 2)."""

from __future__ import annotations

from services.catalog.scope import MatchRule, ScopeMatcher, normalise, phrases

REAL_SCOPE = (
    "许可项目：食品销售；餐饮服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动，"
    "具体经营项目以相关部门批准文件或许可证件为准）一般项目：日用百货销售；五金产品零售。"
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
)

CATALOG = ScopeMatcher(
    [
        MatchRule("SP-XS", frozenset({"1012"}), ("食品销售", "食品经营")),
        MatchRule("CY-FW", frozenset({"1013"}), ("餐饮服务",)),
        MatchRule("DL-WXHW", frozenset({"2050"}), ("道路危险货物运输",)),
        MatchRule("DL-HW", frozenset({"2051"}), ("道路货物运输",)),
        MatchRule("YP-LS", frozenset({"3001"}), ("药品零售",)),
    ]
)


def test_boilerplate_is_removed_and_items_split() -> None:
    assert phrases(REAL_SCOPE) == ["食品销售", "餐饮服务", "日用百货销售", "五金产品零售"]


def test_full_width_and_half_width_forms_fold_together() -> None:
    assert normalise("食品销售（仅销售预包装食品），ＡＢＣ；１２３") == "食品销售(仅销售预包装食品),ABC;123"
    assert phrases("食品销售,餐饮服务、日用百货销售;五金") == ["食品销售", "餐饮服务", "日用百货销售", "五金"]


def test_keywords_match_and_unmatched_phrases_are_the_catalog_gaps() -> None:
    found = CATALOG.match(REAL_SCOPE)
    assert found.by == "KEYWORD"
    assert found.matter_keys == ["SP-XS", "CY-FW"]
    assert found.unmatched == ["日用百货销售", "五金产品零售"]


def test_a_qualified_item_still_matches_its_keyword() -> None:
    assert CATALOG.match("食品销售（仅销售预包装食品）").matter_keys == ["SP-XS"]


def test_the_longer_keyword_wins_where_both_fit() -> None:
    assert CATALOG.match("道路危险货物运输").matter_keys == ["DL-WXHW"]
    assert CATALOG.match("道路货物运输（不含危险货物）").matter_keys == ["DL-HW"]


def test_entry_codes_come_first_when_the_registration_gives_them() -> None:
    found = CATALOG.match("食品销售；药品零售", entry_codes=["3001"])
    assert (found.by, found.matter_keys) == ("ENTRY_CODE", ["YP-LS"])


def test_a_scope_that_matches_nothing_goes_to_the_open_pool() -> None:
    found = CATALOG.match("软件开发；信息技术咨询服务")
    assert (found.by, found.matter_keys, found.unmatched) == ("NONE", [], ["软件开发", "信息技术咨询服务"])


def test_with_entry_codes_a_matter_without_codes_still_matches_by_keyword() -> None:
    catalog = ScopeMatcher(
        [MatchRule("SP-XS", frozenset({"1012"}), ("食品销售",)), MatchRule("WS-CY", keywords=("餐饮服务",))]
    )
    found = catalog.match("食品销售；餐饮服务；宠物美容", entry_codes=["1012"])
    assert (found.by, found.matter_keys) == ("ENTRY_CODE", ["SP-XS", "WS-CY"])
    assert found.unmatched == ["宠物美容"]
    # The text's 食品销售 does not match SP-XS when the codes given do not name it.
    assert catalog.match("食品销售；餐饮服务", entry_codes=["9999"]).matter_keys == ["WS-CY"]
