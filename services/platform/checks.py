"""One behaviour, one code and one Chinese message for each check of what people type or send:
text, codes, document numbers, dates, amounts and coordinates.

Every check adds what is wrong to a `Collector` (so one reply names every bad field) and
returns the cleaned value; the caller stores nothing until `raise_if_any()` passes. The
codes are those integrators already rely on: REQUIRED, TOO_LONG, INVALID_TEXT,
INVALID_DOCUMENT_NUMBER, the INVALID_*_CODE family, DATE_IN_FUTURE, DATE_OUT_OF_RANGE,
INVALID_RANGE, INVALID_AMOUNT and AMOUNT_TOO_LARGE; for coordinates and boxes of them
COORDINATES_INCOMPLETE, COORDINATE_OUT_OF_RANGE and BOX_CORNERS_SWAPPED.

The text rule (`refused_character`, `normalised`) is also enforced where text comes in, so
that no field can skip it: the GraphQL boundary (schema.platform.text_boundary), every admin
form (admin_ui.text_forms) and every sheet cell (services.platform.sheets)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

from services.platform.clock import today
from services.platform.errors import Collector, DomainError

# The one text rule. Every value is Unicode NFC (the same name typed on two machines is one
# name), and no value holds:
# - a control character (Cc): NUL above all (PostgreSQL refuses it in text), a bell, a form feed;
# - a format character (Cf): they are invisible and make two different names look alike or
#   reorder what is shown (U+202E turns "abc" into "cba" on screen). Chinese text needs none of
#   them: joiners (U+200C/U+200D) serve Indic scripts and emoji, and the variation selectors
#   that pick an ideograph's glyph are marks (Mn), not format characters, so they pass;
# - half a surrogate pair (Cs): it cannot be encoded as UTF-8;
# - a line or paragraph separator (U+2028/U+2029): a line break that only some programs see.
# Line breaks and tabs belong only in running text (facts, reasons, business scope: the
# columns stored as TEXT, see services.platform.text_columns); every other field is one line.
# Private-use characters (Co) pass: rare characters in people's names are still typed that way.
_LAYOUT = frozenset("\t\n\r")
_REFUSED = {"Cc": "控制字符", "Cf": "不可见的格式字符", "Cs": "不成对的代理字符", "Zl": "行分隔符", "Zp": "段分隔符"}

FEN = Decimal("0.01")
# Stored as fen in a signed 64-bit integer (about 9.2e16 yuan); no real amount comes near.
MAX_AMOUNT = Decimal("1e15")
DOCUMENT_NUMBER_LIMIT = 128


def refused_character(value: str, multiline: bool = True) -> str | None:
    """What is wrong with the text under the rule, in words for people (the first offending
    character named by its code point), or None when it passes. Line breaks and tabs pass
    only when `multiline`."""
    for ch in value:
        if ch in _LAYOUT:
            if multiline:
                continue
            return "换行或制表符（这一栏只能填一行）"
        kind = "空字符" if ch == "\x00" else _REFUSED.get(unicodedata.category(ch))
        if kind is not None:
            return f"{kind} U+{ord(ch):04X}"
    return None


def normalised(value: str) -> str:
    """NFC, with every line break written as \\n (a browser's textarea sends \\r\\n)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if refused_character(value) is not None:
        return value  # NFC cannot encode a lone surrogate; the caller refuses the value anyway
    return unicodedata.normalize("NFC", value)


def _damaging(ch: str) -> bool:
    return ch not in _LAYOUT and unicodedata.category(ch) in _REFUSED


def _printable(value: str) -> str:
    return "".join(ch for ch in value if not _damaging(ch))


# How much of a caller's text a message quotes back: enough to recognise a typo, never a
# 100,000-character value sent back whole.
QUOTE_LIMIT = 20


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """The caller's text as a message quotes it: “in quotes”, its first `limit` characters and
    "…" when longer; nothing at all when it holds a character the rule refuses (a lone surrogate
    cannot be encoded in the answer, U+202E would turn the message around, and the text without
    them could name something else)."""
    if not value or refused_character(value) is not None:
        return ""
    return f"“{value[:limit]}…”" if len(value) > limit else f"“{value}”"


def damaged(value: str) -> bool:
    """Whether the text holds a character the rule refuses anywhere (line breaks and tabs aside)."""
    return refused_character(value) is not None


def characters(value: str, label: str, field: str | None, problems: Collector, *, multiline: bool = True) -> str:
    """INVALID_TEXT when the text breaks the rule; returned normalised and without the refused
    characters, so that a report which quotes the value (a rejected import row) can still be
    written."""
    wrong = refused_character(value, multiline)
    if wrong is None:
        return normalised(value)
    problems.add("INVALID_TEXT", f"{label}含有{wrong}，请检查后重新填写", field)
    return normalised(_printable(value) if multiline else " ".join(_printable(value).split()))


def text(
    value: str | None,
    label: str,
    field: str | None,
    problems: Collector,
    *,
    limit: int,
    required: bool = True,
    hint: str = "",
    missing_code: str = "REQUIRED",
) -> str:
    """Trimmed NFC text: INVALID_TEXT with a character the rule refuses; then, judged without it, REQUIRED
    when blank (if required) or TOO_LONG beyond `limit` characters. `hint` follows the
    REQUIRED message (an example of what to write); `missing_code` keeps NAME_REQUIRED for the
    names of regions, departments and tokens, which integrators were promised."""
    cleaned = characters((value or "").strip(), label, field, problems).strip()
    if not cleaned:
        if required:
            problems.add(missing_code, f"{label}不能为空{hint}", field)
    elif len(cleaned) > limit:
        problems.add("TOO_LONG", f"{label}最多 {limit} 个字符", field)
    return cleaned


def optional_text(value: str | None, label: str, field: str | None, problems: Collector, *, limit: int) -> str | None:
    """As `text`, but blank is allowed and comes back as None."""
    return text(value, label, field, problems, limit=limit, required=False) or None


def document_number(
    value: str | None, label: str, field: str | None, problems: Collector, required: bool = True
) -> str:
    """A decision document number (文书号) or a reference: one line of at most 128 characters."""
    cleaned = text(value, label, field, problems, limit=DOCUMENT_NUMBER_LIMIT, required=required)
    if any(ch in _LAYOUT for ch in cleaned):
        problems.add("INVALID_DOCUMENT_NUMBER", f"{label}不能含换行等控制字符", field)
    return cleaned


# -- codes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRule:
    pattern: re.Pattern[str]
    code: str
    message: str  # may name the value as {value}
    upper: bool = False  # compared and stored in capitals


REGION_CODE = CodeRule(
    re.compile(r"^[1-9]\d{5}$", re.ASCII), "INVALID_REGION_CODE", "行政区划代码应为 6 位数字（GB/T 2260）"
)
DEPARTMENT_CODE = CodeRule(
    re.compile(r"^[A-Za-z0-9_-]{2,32}$"), "INVALID_DEPARTMENT_CODE", "部门代码为 2–32 位字母、数字、下划线或连字符"
)
LINE_CODE = CodeRule(
    re.compile(r"^[A-Z][A-Z0-9_]{0,15}$"), "INVALID_LINE", "条线代码为 1–16 位大写字母、数字或下划线（如 WJ）", True
)
MATTER_CODE = CodeRule(
    re.compile(r"^[A-Za-z0-9_.-]{2,32}$"), "INVALID_MATTER_CODE", "事项代码为 2–32 位字母、数字、点、下划线或连字符"
)
MEASURE_CODE = CodeRule(
    re.compile(r"^[A-Za-z0-9_.-]{2,32}$"), "INVALID_MEASURE_CODE", "措施代码为 2–32 位字母、数字、点、下划线或连字符"
)
INDUSTRY_CODE = CodeRule(
    re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$", re.ASCII),
    "INVALID_INDUSTRY_CODE",
    "行业代码“{value}”不符合 GB/T 4754-2017（门类字母 A–T，后接 2–4 位数字）",
    True,
)
MAX_ENTRY_CODES = 200
ENTRY_CODE = CodeRule(
    re.compile(r"^[A-Za-z0-9.-]{1,32}$"),
    "INVALID_ENTRY_CODE",
    f"经营范围条目代码为 1–32 位字母、数字、点或连字符，最多 {MAX_ENTRY_CODES} 个",
)


# What a client's unset variable or a spreadsheet's empty cell turns into when it is sent as
# text: it matches many a code's pattern (`undefined` is 9 letters) but is never a code.
JUNK_CODES = frozenset({"undefined", "null", "none", "nil", "nan", "true", "false", "n/a"})


def junk(value: str) -> bool:
    """Whether a code is one of the words a program writes for "no value"."""
    return value.strip().lower() in JUNK_CODES


def _is_code(value: str, rule: CodeRule) -> bool:
    return bool(rule.pattern.match(value)) and not junk(value)


def code(value: str | None, rule: CodeRule, field: str | None, problems: Collector) -> str:
    """A code trimmed (and in capitals where the rule says so), checked against its rule;
    `undefined`, `null`, `None`, `NaN` and the like are never a code."""
    cleaned = (value or "").strip()
    if rule.upper:
        cleaned = cleaned.upper()
    if not _is_code(cleaned, rule):
        problems.add(rule.code, rule.message.format(value=_printable(cleaned)), field)
    return cleaned


def codes(
    values: Iterable[str], rule: CodeRule, field: str | None, problems: Collector, limit: int | None = None
) -> list[str]:
    """A list of codes, at most `limit` of them counting blanks and repeats as sent, returned with
    blanks and repeats dropped, in order; one problem for the whole list."""
    sent = list(values)
    cleaned = list(dict.fromkeys(c for c in ((v or "").strip() for v in sent) if c))
    if rule.upper:
        cleaned = list(dict.fromkeys(c.upper() for c in cleaned))
    bad = [c for c in cleaned if not _is_code(c, rule)]
    if bad or (limit is not None and len(sent) > limit):
        problems.add(rule.code, rule.message.format(value=_printable("、".join(bad))), field)
    return cleaned


# -- dates ------------------------------------------------------------------------------------


# re.ASCII: \d alone also takes other scripts' digits ("٢٠٢٦"), which int() then reads.
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$",
    re.ASCII,
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)
# A date cell that lost its format in Excel shows its day number (46027 is 2026-01-05).
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$", re.ASCII)
_EXCEL_EPOCH = date(1899, 12, 30)
DATE_EXAMPLES = "2026-01-05、2026/1/5、2026年1月5日 或 20260105"


# No day the platform keeps is before 1900 or a century ahead: a year 0118 or 8170 is a typing
# slip (or a probe), and a program reading the row would choke on it. Narrower ranges per
# field: an establishment date is not before the founding of the PRC, whose registration
# system the registry continues (entities founded earlier were registered again), and the
# working-day calendar is kept for the years around this one.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_YEARS_AHEAD = 100
FOUNDING_DAY = date(1949, 10, 1)
CALENDAR_YEARS_BACK = 10
CALENDAR_YEARS_AHEAD = 3


def _years_from(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year + years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + years, day=28)


def latest_day(on: date | None = None) -> date:
    """The last day any date field may hold."""
    return _years_from(on or today(), LATEST_YEARS_AHEAD)


def calendar_span(on: date | None = None) -> tuple[date, date]:
    """The first and last day the working-day calendar may be given for."""
    now = on or today()
    return _years_from(now, -CALENDAR_YEARS_BACK), _years_from(now, CALENDAR_YEARS_AHEAD)


def within(
    day: date,
    label: str,
    field: str | None,
    problems: Collector,
    earliest: date = EARLIEST_DAY,
    latest: date | None = None,
) -> bool:
    """DATE_OUT_OF_RANGE when `day` is before `earliest` or after `latest` (by default the
    range every date must be in)."""
    last = latest or latest_day()
    if earliest <= day <= last:
        return True
    problems.add(
        "DATE_OUT_OF_RANGE",
        f"{label}（{day.isoformat()}）超出合理范围：应在 {earliest.isoformat()} 至 {last.isoformat()} 之间",
        field,
    )
    return False


def day(raw: str | date, label: str, field: str | None, problems: Collector, required: bool = True) -> date | None:
    """A date as people write it in a file's cell: 2026-01-05, 2026/1/5, 2026年1月5日, 20260105,
    with a time of day after it, or the day number of a cell that lost its date format; within
    the range every date must be in (DATE_OUT_OF_RANGE), or None."""
    found = _day(raw, label, field, problems, required)
    if found is not None and not within(found, label, field, problems):
        return None
    return found


def _day(raw: str | date, label: str, field: str | None, problems: Collector, required: bool) -> date | None:
    if isinstance(raw, date):
        return raw
    text = raw.strip()
    if not text:
        if required:
            problems.add("REQUIRED", f"{label}不能为空", field)
        return None
    found = _DATE.match(text) or _COMPACT.match(text)
    if found:
        try:
            return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            problems.add("INVALID_DATE", f"{label}“{text}”这一天不存在", field)
            return None
    serial = _SERIAL.match(text)
    if serial:
        return _EXCEL_EPOCH + timedelta(days=int(serial[1]))
    problems.add("INVALID_DATE", f"{label}“{_printable(text)}”不是有效日期（可写作 {DATE_EXAMPLES}）", field)
    return None


def not_future(day: date, label: str, field: str | None, problems: Collector, on: date | None = None) -> bool:
    """DATE_IN_FUTURE when `day` is after `on` (by default today in Asia/Shanghai)."""
    if day > (on or today()):
        problems.add("DATE_IN_FUTURE", f"{label}（{day.isoformat()}）不能晚于今天", field)
        return False
    return True


def not_before(
    day: date, earliest: date, label: str, earliest_label: str, field: str | None, problems: Collector
) -> bool:
    """INVALID_RANGE when `day` is before `earliest` (the end of a range before its start)."""
    if day < earliest:
        problems.add("INVALID_RANGE", f"{label}不能早于{earliest_label}（{earliest.isoformat()}）", field)
        return False
    return True


# -- amounts ----------------------------------------------------------------------------------


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_decimal(raw: str) -> Decimal | None:
    """A finite decimal from user text (thousands separators allowed), or None."""
    try:
        value = Decimal(raw.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def amount(raw: str | None, label: str, field: str | None, problems: Collector) -> Decimal | None:
    """Yuan as a decimal string: not negative, at most two decimal places, below 10¹⁵; None
    when blank. Returned to the fen, as stored, so "50000" sent again after "50000.00" is
    the same amount and not a correction."""
    if raw is None or not raw.strip():
        return None
    value = parse_decimal(raw)
    if value is None:
        problems.add("INVALID_AMOUNT", f"{label}“{raw.strip()}”不是有效的数字（以元为单位，如 1000000.00）", field)
        return None
    if value < 0 or decimal_places(value) > 2:
        problems.add("INVALID_AMOUNT", f"{label}须为非负数，最多两位小数（单位：元）", field)
        return None
    if value >= MAX_AMOUNT:
        problems.add("AMOUNT_TOO_LARGE", f"{label}过大：应小于 10¹⁵ 元（请确认单位是元而不是分）", field)
        return None
    return value.quantize(FEN)


# -- coordinates ------------------------------------------------------------------------------

# WGS-84 degrees to six places (about 0.1 m), as stored (models.types.ScaledDecimal(6)).
COORDINATE_PLACES = 6
_DEGREE_QUANTUM = Decimal(1).scaleb(-COORDINATE_PLACES)
LONGITUDE_RANGE = (Decimal(-180), Decimal(180))
LATITUDE_RANGE = (Decimal(-90), Decimal(90))


@dataclass(frozen=True)
class Point:
    longitude: Decimal
    latitude: Decimal


def _degrees(
    value: Decimal, limits: tuple[Decimal, Decimal], label: str, field: str, problems: Collector, rounding: str
) -> Decimal | None:
    low, high = limits
    if not value.is_finite() or not low <= value <= high:
        problems.add("COORDINATE_OUT_OF_RANGE", f"{label}须在 {low} 至 {high} 度之间（WGS-84 十进制度）", field)
        return None
    return value.quantize(_DEGREE_QUANTUM, rounding=rounding)


def coordinates(
    longitude: Decimal | None, latitude: Decimal | None, problems: Collector, prefix: str = ""
) -> Point | None:
    """A point given by both its longitude and latitude, or by neither (None): one without the
    other is COORDINATES_INCOMPLETE. Each in range (COORDINATE_OUT_OF_RANGE); more than six
    places are rounded, as stored."""
    if longitude is None and latitude is None:
        return None
    if longitude is None or latitude is None:
        missing = "longitude" if longitude is None else "latitude"
        problems.add("COORDINATES_INCOMPLETE", "经度和纬度须同时填写，或都不填", prefix + missing)
        return None
    lon = _degrees(longitude, LONGITUDE_RANGE, "经度", prefix + "longitude", problems, ROUND_HALF_EVEN)
    lat = _degrees(latitude, LATITUDE_RANGE, "纬度", prefix + "latitude", problems, ROUND_HALF_EVEN)
    return Point(lon, lat) if lon is not None and lat is not None else None


@dataclass(frozen=True)
class Box:
    """West, south, east and north edges, each included; at most six places, as points are stored."""

    west: Decimal
    south: Decimal
    east: Decimal
    north: Decimal


def box(west: Decimal, south: Decimal, east: Decimal, north: Decimal, field: str) -> Box:
    """A longitude/latitude box: each edge in range (COORDINATE_OUT_OF_RANGE), west below east
    and south below north (BOX_CORNERS_SWAPPED), raised at once. A box across the 180th
    meridian is not one box (send two).

    Stored points have six places, so an edge with more is moved inwards to the nearest
    six-place value: a point is inside exactly when it would be inside the box as given."""
    problems = Collector()
    edges = (
        _degrees(west, LONGITUDE_RANGE, "西边经度", f"{field}.west", problems, ROUND_CEILING),
        _degrees(south, LATITUDE_RANGE, "南边纬度", f"{field}.south", problems, ROUND_CEILING),
        _degrees(east, LONGITUDE_RANGE, "东边经度", f"{field}.east", problems, ROUND_FLOOR),
        _degrees(north, LATITUDE_RANGE, "北边纬度", f"{field}.north", problems, ROUND_FLOOR),
    )
    problems.raise_if_any()
    w, s, e, n = (edge for edge in edges if edge is not None)
    if not (west < east and south < north):
        raise DomainError(
            "BOX_CORNERS_SWAPPED",
            f"范围的西边（{west}）须小于东边（{east}），南边（{south}）须小于北边（{north}）：请检查是否把两个角填反了",
            field,
        )
    return Box(w, s, e, n)
