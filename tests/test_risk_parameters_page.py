"""四色警示参数: the page shows every threshold in force and where it came from, defaults included,
so a city where no maintainer has set any never reads "暂无数据"."""

from __future__ import annotations

import re

from tests.conftest import Api, DemoCity
from tests.support.admin import csrf, sign_in

PAGE = "/admin/risk-parameters/list"
DEFAULTS = {
    "window_days": ("统计窗口（天）", "730"),
    "yellow_penalties": ("黄色：有效处罚次数下限", "1"),
    "red_penalties": ("红色：有效处罚次数下限", "3"),
    "complaint_count": ("投诉件数下限", "4"),
    "red_resolution_rate": ("红色：办结率低于（%）", "50 %"),
    "yellow_resolution_rate": ("黄色：办结率低于（%）", "80 %"),
}


def _in_force(page: str) -> dict[str, tuple[str, str, str]]:
    """Each parameter's row: its label, its value and its source, as the page shows them."""
    found: dict[str, tuple[str, str, str]] = {}
    for name, row in re.findall(r'data-parameter="(\w+)">(.*?)</div>\s*</div>\s*</div>', page, re.S):
        cells = dict(re.findall(r'class="[^"]*parameter-(label|value|source)">(.*?)(?:</div>|$)', row, re.S))
        text = {key: re.sub(r" +", " ", re.sub(r"<[^>]+>|\s+", " ", cell)).strip() for key, cell in cells.items()}
        found[name] = (text["label"], text["value"], text["source"])
    return found


async def test_a_fresh_city_shows_the_default_thresholds_and_a_setting_its_author(api: Api, city: DemoCity) -> None:
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    page = (await client.get(PAGE)).text
    assert "暂无数据" not in page and "No data" not in page
    shown = _in_force(page)
    assert {name: (label, value) for name, (label, value, _) in shown.items()} == DEFAULTS
    assert all(source.startswith("默认值") for _, _, source in shown.values())

    form = {"window_days": "365", "yellow_penalties": "1", "red_penalties": "3", "complaint_count": "4",
            "red_resolution_rate": "50", "yellow_resolution_rate": "75.5"}  # fmt: skip
    token = await csrf(client, "/admin/risk-parameters/create")
    accepted = await client.post("/admin/risk-parameters/create", data={**form, "csrftoken": token})
    assert accepted.status_code in (302, 303)

    shown = _in_force((await client.get(PAGE)).text)
    assert shown["window_days"][1] == "365" and shown["yellow_resolution_rate"][1] == "75.5 %"
    for name in ("window_days", "yellow_resolution_rate"):
        assert re.fullmatch(r"已设置 演示维护人员，\d{4}-\d\d-\d\d \d\d:\d\d （默认 (730|80 %)）", shown[name][2]), (
            shown[name]
        )
    # Values the setting kept at domain.md's default are still the default's.
    for name in ("yellow_penalties", "red_penalties", "complaint_count", "red_resolution_rate"):
        assert shown[name][1] == DEFAULTS[name][1] and shown[name][2].startswith("默认值"), shown[name]

    # A later setting that changes one threshold leaves the others' source where it was.
    token = await csrf(client, "/admin/risk-parameters/create")
    again = await client.post("/admin/risk-parameters/create", data={**form, "red_penalties": "4", "csrftoken": token})
    assert again.status_code in (302, 303)
    later = _in_force((await client.get(PAGE)).text)
    assert later["red_penalties"][1] == "4" and later["red_penalties"][2].startswith("已设置 演示维护人员")
    assert later["window_days"] == shown["window_days"]


async def test_a_number_in_other_scripts_digits_is_refused_not_read_as_its_value(api: Api, city: DemoCity) -> None:
    """Python's int() reads "٧٣٠" (Arabic-Indic) and "３６５" (full width) as 730 and 365: a maintainer
    who pasted them would set a threshold the page never showed them typing."""
    client = api.client
    await sign_in(client, "admin", city.report.logins[0].password)
    form = {"window_days": "365", "yellow_penalties": "1", "red_penalties": "3", "complaint_count": "4",
            "red_resolution_rate": "50", "yellow_resolution_rate": "80"}  # fmt: skip
    for field, value in (("window_days", "٧٣٠"), ("window_days", "３６５"), ("red_resolution_rate", "٥٠")):
        token = await csrf(client, "/admin/risk-parameters/create")
        refused = await client.post("/admin/risk-parameters/create", data={**form, field: value, "csrftoken": token})
        assert refused.status_code == 422, (field, value)
        assert f"{DEFAULTS[field][0]}只能填写阿拉伯数字 0–9" in refused.text, (field, value)
    shown = _in_force((await client.get(PAGE)).text)
    assert all(source.startswith("默认值") for _, _, source in shown.values()), "nothing was stored"
