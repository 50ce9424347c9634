"""What the demo city's 随机抽查事项清单 are made of: per supervising line (market regulation, health),
the kinds of check a department may run, their legal bases and the items of their result forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckItemKind:
    code: str
    name: str
    legal_basis: str
    form: tuple[tuple[str, str], ...]  # (code, name) of the result form's items, in form order


_DISCLOSURE = "《企业信息公示暂行条例》第十四条"
_REGISTRATION = "《中华人民共和国市场主体登记管理条例》第三十六条、第四十六条"
_FOOD = "《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》第十一条"
_PRICE = "《中华人民共和国价格法》第十三条；《明码标价和禁止价格欺诈规定》第五条"
_EQUIPMENT = "《中华人民共和国特种设备安全法》第三十二条、第五十七条"
_PUBLIC_PLACES = "《公共场所卫生管理条例》第三条、第七条；《公共场所卫生管理条例实施细则》第三十六条"
_MEDICAL = "《医疗机构管理条例》第二十四条、第二十六条；《医疗机构管理条例实施细则》第七十七条"
_WATER = "《生活饮用水卫生监督管理办法》第六条、第十六条"

# Market regulation (市场监督管理): the same list in the city bureau and every district bureau.
MARKET: list[CheckItemKind] = [
    CheckItemKind(
        "SJ-GSXX",
        "企业公示信息检查（年度报告、即时信息）",
        _DISCLOSURE,
        (
            ("NB-01", "年度报告是否按期报送并公示"),
            ("NB-02", "年度报告公示的资产总额、营业总收入等信息是否真实"),
            ("NB-03", "股东认缴和实缴出资、股权变更等即时信息是否按期公示"),
            ("NB-04", "通过登记的住所（经营场所）能否取得联系"),
        ),
    ),
    CheckItemKind(
        "SJ-DJSX",
        "营业执照（登记事项）检查",
        _REGISTRATION,
        (
            ("DJ-01", "营业执照是否置于住所或者主要经营场所的醒目位置"),
            ("DJ-02", "实际经营场所与登记的住所是否一致"),
            ("DJ-03", "实际经营活动是否在登记的经营范围之内"),
        ),
    ),
    CheckItemKind(
        "SJ-SPJY",
        "食品经营检查",
        _FOOD,
        (
            ("SP-01", "食品经营许可证是否在有效期内并在经营场所公示"),
            ("SP-02", "从业人员是否取得健康证明"),
            ("SP-03", "是否落实进货查验记录制度"),
            ("SP-04", "食品贮存条件是否符合要求，有无超过保质期的食品"),
            ("SP-05", "餐饮具是否按规定清洗消毒"),
        ),
    ),
    CheckItemKind(
        "SJ-MMBJ",
        "明码标价检查",
        _PRICE,
        (
            ("JG-01", "商品和服务是否明码标价"),
            ("JG-02", "标价签内容是否齐全、与实际收费一致"),
            ("JG-03", "有无虚构原价、虚假优惠折价等价格欺诈行为"),
        ),
    ),
    CheckItemKind(
        "SJ-TZSB",
        "特种设备使用单位检查",
        _EQUIPMENT,
        (
            ("TS-01", "特种设备是否办理使用登记"),
            ("TS-02", "特种设备是否在检验有效期内"),
            ("TS-03", "作业人员是否持证上岗"),
            ("TS-04", "是否建立特种设备安全技术档案"),
        ),
    ),
]

# Health (卫生健康): the city commission and the district bureaus.
HEALTH: list[CheckItemKind] = [
    CheckItemKind(
        "WJ-GGCS",
        "公共场所卫生监督检查",
        _PUBLIC_PLACES,
        (
            ("GC-01", "是否取得公共场所卫生许可证并在有效期内"),
            ("GC-02", "从业人员是否持有有效健康合格证明"),
            ("GC-03", "是否建立卫生管理制度并设专（兼）职卫生管理人员"),
            ("GC-04", "空气、水质等卫生检测是否按规定开展并公示结果"),
            ("GC-05", "公共用品用具是否按规定清洗、消毒、保洁"),
        ),
    ),
    CheckItemKind(
        "WJ-YLJG",
        "医疗机构依法执业检查",
        _MEDICAL,
        (
            ("YL-01", "医疗机构执业许可证是否校验合格并悬挂于明显处"),
            ("YL-02", "执业人员是否取得相应资格并经执业注册"),
            ("YL-03", "诊疗活动是否超出登记的诊疗科目"),
            ("YL-04", "医疗废物是否分类收集、规范处置"),
        ),
    ),
    CheckItemKind(
        "WJ-YYS",
        "生活饮用水卫生监督检查",
        _WATER,
        (
            ("YS-01", "供水单位是否取得卫生许可证"),
            ("YS-02", "直接从事供、管水人员是否取得健康体检合格证明"),
            ("YS-03", "是否按规定开展水质检测"),
        ),
    ),
]

CHECK_ITEMS: dict[str, list[CheckItemKind]] = {"SCJG": MARKET, "WJ": HEALTH}
# The digits of a line in its officers' certificate numbers (执法证号): region, line, serial.
CERTIFICATE_LINES = {"SCJG": "01", "WJ": "02"}

CONFLICT_REASONS = (
    "配偶在该企业担任监事",
    "近亲属系该企业股东",
    "本人曾在该企业任职，离职未满三年",
)
NOTES = {
    "NO_PROBLEM": "现场检查未发现问题，已告知企业按期报送年度报告。",
    "UNREACHABLE": "按登记的住所实地核查，该址已另作他用，电话无法接通，无法取得联系。",
    "RECTIFICATION_ORDERED": "现场发现营业执照未在经营场所醒目位置悬挂、明码标价不全，已当场责令限期改正。",
}
