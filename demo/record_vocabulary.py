"""What the demo city's licenses, penalties and complaints are made of: certificates and their
numbers, violations with their legal basis and sanctions, 12345 complaints. Words only; the
seed (demo.record_seed) draws from them and the rules of services.records.records check them."""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import ComplaintCategory, LicenseCategory, PenaltyCategory

# The short form of each line in document numbers (大中山市监罚〔2026〕0012号).
LINE_ABBREVIATIONS = {
    "SCJG": "市监",
    "WJ": "卫",
    "JT": "交",
    "STHJ": "环",
    "YJ": "应急",
    "ZJ": "建",
    "WL": "文旅",
    "JY": "教",
    "GA": "公",
}


@dataclass(frozen=True)
class LicenseKind:
    """The license a matter of the duty catalog leads to.

    `number` is a str.format pattern over: region (the issuing department's), year (of the
    decision), until (year the license ends), seq (a counter per kind), uscc, r3/r8 (random digits)."""

    certificate: str  # 许可证书名称
    document: str  # 行政许可决定文书名称
    word: str  # the document number's word (大中山市监食经许〔2025〕0012号)
    category: LicenseCategory
    years: int | None  # validity; None: 长期
    number: str
    contents: tuple[str, ...]
    long_term_share: float = 0.0  # of the licenses with a validity, those issued 长期 instead
    authority: str | None = None  # 许可机关 when the license is the province's, sent on by the department


_ROAD = "道路运输经营许可证"
_ROAD_NUMBER = "辽交运管许可连字{region}{seq:06d}号"

# Keyed by the matter code of demo/catalog.py; a matter not here (餐饮场所卫生监督) licenses nothing.
LICENSE_KINDS: dict[str, LicenseKind] = {
    "SP-XS": LicenseKind("食品经营许可证", "食品经营许可决定书", "食经许", LicenseCategory.ORDINARY, 5,
                         "JY1{region}{seq:06d}{r1}",
                         ("预包装食品（含冷藏冷冻食品）销售；散装食品（含冷藏冷冻食品）销售",
                          "预包装食品（不含冷藏冷冻食品）销售",
                          "预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售；保健食品销售",
                          "预包装食品（不含冷藏冷冻食品）销售；特殊医学用途配方食品销售")),
    "SP-CY": LicenseKind("食品经营许可证", "食品经营许可决定书", "食经许", LicenseCategory.ORDINARY, 5,
                         "JY2{region}{seq:06d}{r1}",
                         ("热食类食品制售", "热食类食品制售；冷食类食品制售", "热食类食品制售；自制饮品制售",
                          "热食类食品制售；糕点类食品（含裱花蛋糕）制售")),
    "WS-GG": LicenseKind("公共场所卫生许可证", "公共场所卫生许可决定书", "公许", LicenseCategory.ORDINARY, 4,
                         "辽卫公证字〔{year}〕第{region}-{seq:06d}号",
                         ("住宿场所", "美容美发场所", "沐浴场所", "住宿场所；美容场所"), long_term_share=0.3),
    "YL-ZY": LicenseKind("医疗机构执业许可证", "医疗机构执业登记决定书", "医执许", LicenseCategory.ORDINARY, 5,
                         "PDY{r8}{region}{seq:04d}D2{r3}",
                         ("诊疗科目：内科；外科；全科医疗科", "诊疗科目：口腔科", "诊疗科目：中医科",
                          "诊疗科目：医学检验科；医学影像科")),
    "YP-LS": LicenseKind("药品经营许可证", "药品经营许可决定书", "药经许", LicenseCategory.ORDINARY, 5,
                         "辽CB411{seq:04d}",
                         ("经营范围：处方药、甲类非处方药、乙类非处方药；中药饮片、中成药、化学药、生物制品",
                          "经营范围：乙类非处方药；中成药、化学药",
                          "经营范围：处方药、甲类非处方药、乙类非处方药；中成药、化学药")),
    "QX-3": LicenseKind("医疗器械经营许可证", "医疗器械经营许可决定书", "械经许", LicenseCategory.ORDINARY, 5,
                        "辽连药监械经营许{year}{seq:04d}号",
                        ("经营范围：Ⅲ类：14注输、护理和防护器械；22临床检验器械",
                         "经营范围：Ⅲ类：06医用成像器械；08呼吸、麻醉和急救器械")),
    "TZ-ZZ": LicenseKind("特种设备生产许可证", "特种设备生产许可决定书", "特设许", LicenseCategory.VERIFICATION, 4,
                         "TS22{r3}{seq:03d}-{until}",
                         ("压力容器制造（含安装、修理、改造）：A2级", "起重机械制造：桥式、门式起重机",
                          "锅炉制造：B级"),
                         authority="辽宁省市场监督管理局"),
    "DL-HY": LicenseKind(_ROAD, "道路运输经营许可决定书", "交运许", LicenseCategory.ORDINARY, 4, _ROAD_NUMBER,
                         ("经营范围：道路普通货物运输", "经营范围：道路普通货物运输；货物专用运输（集装箱）")),
    "DL-WX": LicenseKind(_ROAD, "道路运输经营许可决定书", "交运许", LicenseCategory.ORDINARY, 4, _ROAD_NUMBER,
                         ("经营范围：道路危险货物运输（第2类第1项、第3类）",
                          "经营范围：道路危险货物运输（第8类，剧毒化学品除外）")),
    "DL-KY": LicenseKind(_ROAD, "道路运输经营许可决定书", "交运许", LicenseCategory.ORDINARY, 4, _ROAD_NUMBER,
                         ("经营范围：县际包车客运；市际包车客运", "经营范围：市际班车客运；县际班车客运")),
    "WH-JY": LicenseKind("危险化学品经营许可证", "危险化学品经营许可决定书", "危化经许", LicenseCategory.ORDINARY, 3,
                         "辽大危化经字〔{year}〕{seq:06d}",
                         ("经营方式：批发（无储存）；许可范围：汽油、柴油〔闭杯闪点≤60℃〕、乙醇",
                          "经营方式：零售；许可范围：液化石油气",
                          "经营方式：批发（无储存）；许可范围：硫酸、盐酸、氢氧化钠")),
    "WH-SC": LicenseKind("安全生产许可证", "安全生产许可决定书", "安许", LicenseCategory.ORDINARY, 3,
                         "（辽）WH安许证字〔{year}〕{seq:04d}",
                         ("许可范围：危险化学品生产（涂料、稀释剂）", "许可范围：危险化学品生产（工业气体）"),
                         authority="辽宁省应急管理厅"),
    "FK-KC": LicenseKind("安全生产许可证", "安全生产许可决定书", "安许", LicenseCategory.ORDINARY, 3,
                         "（辽）FM安许证字〔{year}〕{seq:04d}", ("许可范围：建筑用石料露天开采",),
                         authority="辽宁省应急管理厅"),
    "JZ-ZZ": LicenseKind("建筑业企业资质证书", "建筑业企业资质审批决定书", "建资许", LicenseCategory.ACCREDITATION, 5,
                         "D221{seq:06d}",
                         ("建筑工程施工总承包三级", "建筑装修装饰工程专业承包二级", "施工劳务不分等级",
                          "市政公用工程施工总承包三级")),
    "FC-KF": LicenseKind("房地产开发企业资质证书", "房地产开发企业资质核定决定书", "房资许",
                         LicenseCategory.ACCREDITATION, 3, "大房开字〔{year}〕第{seq:04d}号", ("房地产开发二级资质",)),
    "LY-LXS": LicenseKind("旅行社业务经营许可证", "旅行社业务经营许可决定书", "旅许", LicenseCategory.ORDINARY, None,
                          "L-LN-{seq:05d}", ("经营范围：境内旅游业务、入境旅游业务",)),
    "WH-WB": LicenseKind("网络文化经营许可证", "互联网上网服务营业场所经营许可决定书", "网文许",
                         LicenseCategory.ORDINARY, 3, "辽网文〔{year}〕{seq:04d}-{r3}号",
                         ("经营范围：互联网上网服务营业场所，计算机终端 120 台",
                          "经营范围：互联网上网服务营业场所，计算机终端 86 台")),
    "WH-YL": LicenseKind("娱乐经营许可证", "娱乐经营许可决定书", "娱许", LicenseCategory.ORDINARY, 2,
                         "{region}12{seq:04d}", ("歌舞娱乐场所，包厢 18 间", "游艺娱乐场所，游戏游艺设备 60 台")),
    "WH-YC": LicenseKind("营业性演出许可证", "营业性演出许可决定书", "演许", LicenseCategory.ORDINARY, 2,
                         "{region}11{seq:04d}", ("演出经纪机构：从事营业性演出的居间、代理、行纪活动",)),
    "JY-MB": LicenseKind("民办学校办学许可证", "民办学校办学许可决定书", "教民许", LicenseCategory.ORDINARY, 5,
                         "教民1{region}7{seq:07d}号",
                         ("办学内容：文化艺术类非学科培训", "办学内容：学前教育",
                          "办学内容：职业技能培训（电工、焊工）")),
    "HJ-WF": LicenseKind("危险废物经营许可证", "危险废物经营许可决定书", "危废许", LicenseCategory.ORDINARY, 5,
                         "辽危废许可字{region}{seq:04d}号",
                         ("收集、贮存、利用：HW08 废矿物油与含矿物油废物", "收集、贮存：HW49 其他废物（废铅蓄电池）"),
                         authority="辽宁省生态环境厅"),
    "HJ-PW": LicenseKind("排污许可证", "排污许可决定书", "排污许", LicenseCategory.ORDINARY, 5, "{uscc}001Q",
                         ("排污许可管理类别：简化管理；主要污染物类别：废水、废气",
                          "排污许可管理类别：重点管理；主要污染物类别：废水")),
    "GA-TZ": LicenseKind("特种行业许可证", "特种行业许可决定书", "特行许", LicenseCategory.ORDINARY, None,
                         "大公特旅字〔{year}〕第{seq:04d}号", ("特种行业类别：旅馆业，客房 32 间",
                                                            "特种行业类别：旅馆业，客房 58 间")),
}  # fmt: skip


@dataclass(frozen=True)
class Sanction:
    """One way a violation is punished: the categories, and the ranges of the amounts in yuan."""

    categories: tuple[PenaltyCategory, ...]
    fine: tuple[int, int] | None = None
    confiscated: tuple[int, int] | None = None  # 没收违法所得
    weight: int = 1


@dataclass(frozen=True)
class Violation:
    """违法行为类型, its facts (str.format over day and n) and 处罚依据.

    `matters`: the licenses (matter codes) whose holders commit it, the penalty coming from the
    license's department; empty: anyone, penalised by the district's market regulator."""

    line: str
    matters: tuple[str, ...]
    violation_type: str
    facts: str
    basis: str
    sanctions: tuple[Sanction, ...]
    seized: str = "违法经营的食品"  # what 没收非法财物 takes
    weight: int = 1  # how often it is found, beside the others open to the same entity


W, CC, F = PenaltyCategory.WARNING, PenaltyCategory.CIRCULATED_CRITICISM, PenaltyCategory.FINE
GAINS, GOODS = PenaltyCategory.CONFISCATION_OF_ILLEGAL_GAINS, PenaltyCategory.CONFISCATION_OF_PROPERTY
STOP, REVOKE = PenaltyCategory.SUSPENSION_OF_BUSINESS, PenaltyCategory.LICENSE_REVOCATION
_FOOD = ("SP-XS", "SP-CY")

VIOLATIONS: list[Violation] = [
    Violation("SCJG", _FOOD, "经营超过保质期的食品",
              "经查，当事人于{day}在其经营场所销售超过保质期的预包装食品{n}件，货值金额不足一万元。",
              "《中华人民共和国食品安全法》第三十四条第（十）项、第一百二十四条第一款第（五）项",
              (Sanction((GOODS, F), fine=(50000, 100000)),)),
    Violation("SCJG", _FOOD, "未按规定查验记录食品进货",
              "{day}执法人员检查发现，当事人采购的{n}批次食品原料未查验供货者许可证和产品合格证明，未建立进货查验记录。",
              "《中华人民共和国食品安全法》第五十三条、第一百二十六条第一款第（三）项",
              (Sanction((W,), weight=3), Sanction((F,), fine=(5000, 20000), weight=2)), weight=2),
    Violation("SCJG", _FOOD, "从业人员未取得健康证明从事接触直接入口食品的工作",
              "{day}检查发现，当事人安排{n}名未取得健康证明的人员从事接触直接入口食品的工作。",
              "《中华人民共和国食品安全法》第四十五条、第一百二十六条第一款第（六）项",
              (Sanction((W,), weight=3), Sanction((W, F), fine=(5000, 10000), weight=1)), weight=2),
    Violation("SCJG", ("YP-LS",), "未凭处方销售处方药",
              "{day}检查发现，当事人在执业药师不在岗的情况下未凭处方销售处方药{n}盒。",
              "《药品经营和使用质量监督管理办法》第四十二条、第七十二条",
              (Sanction((W, F), fine=(5000, 30000), weight=2), Sanction((W,), weight=1))),
    Violation("SCJG", (), "不明码标价",
              "{day}检查发现，当事人经营场所内{n}种商品未按规定明码标价。",
              "《中华人民共和国价格法》第十三条、第四十二条；《明码标价和禁止价格欺诈规定》第二十一条",
              (Sanction((W,), weight=3), Sanction((F,), fine=(1000, 5000), weight=2)), weight=4),
    Violation("SCJG", (), "发布虚假广告",
              "当事人自{day}起通过其微信公众号发布含有“{n}天见效”“国家级产品”等虚假内容的广告。",
              "《中华人民共和国广告法》第二十八条、第五十五条第一款",
              (Sanction((F,), fine=(20000, 200000), weight=3), Sanction((GAINS, F), fine=(50000, 200000),
                                                                       confiscated=(2000, 60000))), weight=2),
    Violation("SCJG", (), "销售不合格产品",
              "{day}抽检发现，当事人销售的{n}批次产品经检验不合格，当事人不能提供进货来源证明。",
              "《中华人民共和国产品质量法》第三十九条、第五十条",
              (Sanction((GAINS, F), fine=(10000, 80000), confiscated=(500, 20000)),)),
    Violation("SCJG", (), "使用未经定期检验的特种设备",
              "{day}检查发现，当事人使用的{n}台电梯超过检验有效期未申报定期检验仍继续使用。",
              "《中华人民共和国特种设备安全法》第四十条、第八十四条第（一）项",
              (Sanction((F,), fine=(30000, 100000), weight=3), Sanction((STOP, F), fine=(30000, 50000)))),
    Violation("WJ", ("WS-GG",), "公共场所从业人员未取得有效健康合格证明",
              "{day}卫生监督检查发现，当事人安排{n}名未取得有效健康合格证明的从业人员从事直接为顾客服务的工作。",
              "《公共场所卫生管理条例实施细则》第十条、第三十八条",
              (Sanction((W,), weight=3), Sanction((F,), fine=(500, 2000), weight=2)), weight=2),
    Violation("WJ", ("WS-GG",), "未按规定对公共场所进行卫生检测",
              "当事人自{day}起未按照规定对公共场所的空气、水质、顾客用品用具等进行卫生检测（涉及检测项目{n}项）。",
              "《公共场所卫生管理条例实施细则》第十九条、第三十六条第（一）项",
              (Sanction((W,), weight=2), Sanction((F,), fine=(1000, 2000)))),
    Violation("WJ", ("YL-ZY",), "使用非卫生技术人员从事医疗卫生技术工作",
              "{day}检查发现，当事人使用{n}名非卫生技术人员从事医疗卫生技术工作。",
              "《医疗机构管理条例》第二十七条、第四十七条",
              (Sanction((F,), fine=(30000, 100000)),)),
    Violation("JT", ("DL-HY", "DL-WX", "DL-KY"), "未按规定维护和检测运输车辆",
              "{day}检查发现，当事人{n}辆营运车辆未按规定进行二级维护和综合性能检测。",
              "《中华人民共和国道路运输条例》第三十二条、第七十条第一款",
              (Sanction((F,), fine=(1000, 5000), weight=3), Sanction((W,))), weight=2),
    Violation("YJ", ("WH-JY", "WH-SC"), "未按规定开展安全生产教育和培训",
              "{day}检查发现，当事人{n}名从业人员未经安全生产教育和培训上岗作业。",
              "《中华人民共和国安全生产法》第二十八条、第九十七条第（三）项",
              (Sanction((F,), fine=(10000, 100000), weight=2), Sanction((W,)))),
    Violation("YJ", ("WH-JY",), "危险化学品经营企业未如实记录购买单位信息",
              "{day}检查发现，当事人销售危险化学品{n}次，未如实记录购买单位的名称、地址和购买数量。",
              "《危险化学品安全管理条例》第四十一条、第八十一条第一款第（三）项",
              (Sanction((F,), fine=(10000, 50000)),)),
    Violation("WL", ("WH-YL",), "娱乐场所未按规定悬挂警示标志",
              "{day}检查发现，当事人未在营业场所显著位置悬挂未成年人禁入标志，涉及包厢{n}间。",
              "《娱乐场所管理条例》第三十条、第五十一条",
              (Sanction((W,), weight=2), Sanction((W, F), fine=(5000, 10000)))),
    Violation("WL", ("WH-WB",), "互联网上网服务营业场所接纳未成年人",
              "{day}检查发现，当事人在营业场所内接纳{n}名未成年人上网。",
              "《互联网上网服务营业场所管理条例》第二十一条、第三十一条第（二）项",
              (Sanction((W, F), fine=(5000, 15000)),)),
    Violation("WL", ("LY-LXS",), "旅行社未与旅游者订立书面旅游合同",
              "{day}起，当事人组织{n}批次团队旅游未与旅游者订立书面合同。",
              "《中华人民共和国旅游法》第五十八条、第一百条",
              (Sanction((F,), fine=(30000, 100000)),)),
    Violation("STHJ", ("HJ-PW", "HJ-WF"), "超过排放标准排放水污染物",
              "{day}监测发现，当事人废水总排放口化学需氧量超过排放标准{n}倍。",
              "《中华人民共和国水污染防治法》第十条、第八十三条第（二）项",
              (Sanction((F,), fine=(100000, 500000)),)),
    Violation("ZJ", ("JZ-ZZ",), "未按照工程建设强制性标准施工",
              "{day}检查发现，当事人承建的项目{n}处构件未按照工程建设强制性标准施工。",
              "《建设工程质量管理条例》第二十八条、第六十四条",
              (Sanction((F,), fine=(50000, 300000)),)),
    Violation("GA", ("GA-TZ",), "旅馆未按规定登记住宿旅客身份信息",
              "{day}检查发现，当事人接待{n}名住宿旅客未查验身份证件、未如实登记。",
              "《中华人民共和国反恐怖主义法》第二十一条、第八十六条第二款",
              (Sanction((F,), fine=(10000, 100000), weight=2), Sanction((W,)))),
    Violation("JY", ("JY-MB",), "民办学校违规发布招生简章",
              "当事人自{day}起发布未经备案的招生简章，涉及招生{n}人。",
              "《中华人民共和国民办教育促进法》第四十二条、第六十二条第（四）项",
              (Sanction((W,), weight=2), Sanction((CC,)))),
]  # fmt: skip

# 吊销许可证件, by the license's own department: the violation, its basis, and the sanction beside it.
REVOCATIONS: dict[str, Violation] = {
    "SP-XS": Violation("SCJG", ("SP-XS",), "经营添加非食用物质的食品",
                       "{day}抽检发现，当事人销售的{n}批次食品检出非食用物质，货值金额一万元以上。",
                       "《中华人民共和国食品安全法》第三十四条第（一）项、第一百二十三条第一款第（一）项",
                       (Sanction((GAINS, GOODS, F, REVOKE), fine=(150000, 300000), confiscated=(8000, 40000)),)),
    "SP-CY": Violation("SCJG", ("SP-CY",), "用非食品原料制作食品",
                       "{day}检查发现，当事人在餐饮加工中使用非食品原料，涉及菜品{n}种。",
                       "《中华人民共和国食品安全法》第三十四条第（一）项、第一百二十三条第一款第（一）项",
                       (Sanction((GAINS, GOODS, F, REVOKE), fine=(100000, 200000), confiscated=(3000, 20000)),),
                       seized="违法制作的食品及用于违法生产的原料"),
    "WS-GG": Violation("WJ", ("WS-GG",), "发生危害健康事故未立即处置",
                       "{day}当事人经营场所发生{n}人一氧化碳中毒事故，当事人未立即采取处置措施，导致危害扩大。",
                       "《公共场所卫生管理条例实施细则》第二十一条、第三十九条",
                       (Sanction((F, REVOKE), fine=(10000, 30000)),)),
    "WH-WB": Violation("WL", ("WH-WB",), "互联网上网服务营业场所多次接纳未成年人",
                       "当事人自{day}起一年内{n}次接纳未成年人进入营业场所。",
                       "《互联网上网服务营业场所管理条例》第二十一条、第三十一条",
                       (Sanction((F, REVOKE), fine=(10000, 15000)),)),
    "WH-JY": Violation("YJ", ("WH-JY",), "危险化学品经营企业向不具有相关许可证件的单位销售危险化学品",
                       "{day}起，当事人{n}次向不具有相关许可证件的单位销售剧毒化学品。",
                       "《危险化学品安全管理条例》第三十八条、第八十四条第一款",
                       (Sanction((F, REVOKE), fine=(100000, 200000)),)),
    "GA-TZ": Violation("GA", ("GA-TZ",), "旅馆业为违法犯罪活动提供条件",
                       "{day}查明，当事人明知住宿旅客从事违法活动仍为其提供房间{n}次。",
                       "《旅馆业治安管理办法》第十二条、第十七条",
                       (Sanction((F, REVOKE), fine=(20000, 50000)),)),
}  # fmt: skip

WITHDRAWAL_REASONS = (
    "经行政复议，原处罚决定认定事实不清，依法撤销",
    "人民法院判决撤销原行政处罚决定",
    "经复查，原处罚决定适用依据错误，依法撤销",
)


@dataclass(frozen=True)
class ComplaintKind:
    category: ComplaintCategory
    line: str  # the district department of this line takes it from the hotline
    weight: int
    summaries: tuple[str, ...]
    food_only: bool = False  # only about entities that sell or serve food


COMPLAINTS: list[ComplaintKind] = [
    ComplaintKind(ComplaintCategory.FOOD_SAFETY, "SCJG", 6,
                  ("来电人反映在该店购买的面包已过保质期，要求退款并依法查处。",
                   "来电人反映在该店就餐后出现腹泻症状，怀疑食材不新鲜。",
                   "来电人反映该店后厨卫生脏乱，有苍蝇，餐具未消毒。",
                   "来电人反映该店销售的散装熟食无标签、无生产日期。"), food_only=True),
    ComplaintKind(ComplaintCategory.PRICE, "SCJG", 4,
                  ("来电人反映该店商品未明码标价，结账时价格高于货架标价。",
                   "来电人反映该店收取未公示的服务费。")),
    ComplaintKind(ComplaintCategory.CONSUMER_CONTRACT, "SCJG", 5,
                  ("来电人反映办理预付卡后商家停业，剩余余额无法退还。",
                   "来电人反映所购商品出现质量问题，商家拒绝履行“七日无理由退货”。",
                   "来电人反映商家未按约定时间交付定制商品，拒绝退还定金。")),
    ComplaintKind(ComplaintCategory.PRODUCT_QUALITY, "SCJG", 3,
                  ("来电人反映购买的电热水壶使用一周即漏电。", "来电人反映购买的儿童玩具有尖锐边角，疑似不合格产品。")),
    ComplaintKind(ComplaintCategory.ADVERTISING, "SCJG", 2,
                  ("来电人反映该企业宣传“最低价”“第一品牌”，涉嫌虚假宣传。",
                   "来电人反映该企业通过短视频宣传保健品具有治疗功效。")),
    ComplaintKind(ComplaintCategory.SERVICE_QUALITY, "SCJG", 3,
                  ("来电人反映该店服务人员态度恶劣，拒绝开具发票。", "来电人反映维修后故障未排除，商家拒绝返修。")),
    ComplaintKind(ComplaintCategory.SAFETY, "YJ", 1,
                  ("来电人反映该企业在楼道内堆放液化气罐，存在安全隐患。", "来电人反映该企业仓库内违规存放易燃物品。")),
    ComplaintKind(ComplaintCategory.ENVIRONMENT, "STHJ", 1,
                  ("来电人反映该企业夜间排放刺鼻气味废气。", "来电人反映该店油烟直排，影响周边居民。")),
    ComplaintKind(ComplaintCategory.OTHER, "SCJG", 1, ("来电人反映该企业实际经营地址与登记住所不一致。",)),
]  # fmt: skip
