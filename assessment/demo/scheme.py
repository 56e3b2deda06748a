"""The demo's scheme and wording: its indicators per unit category (every scoring method and both
aggregations), and the texts its records use."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assessment.scoring import Aggregation, Method

DEMO_YEAR = 2026
BONUS_POOL = 5_000_000  # yuan
OFFICE_USERNAME = "kaoheban"
SUPERVISION_USERNAME = "ducha"
SEED_REASON = "演示数据初始化"
LAST_MONTH = 10  # evidence runs from January to October: the demo is set in late November

M, A = Method, Aggregation


@dataclass(frozen=True)
class Item:
    """One indicator of a demo scheme, and how its demo data is made.

    `data` names the generator (see ``_PLANNERS``); `low`/`high` bound the unit's target, or
    its base for `level` and `deals`; `note` words a monthly record; `texts` word event records.
    """

    code: str
    name: str
    group: str
    points: str
    method: Method
    aggregation: Aggregation = A.SUM
    measure: str = ""
    lead: str = ""  # unit code of the lead department
    data: str = ""
    low: float = 0
    high: float = 0
    places: int = 2
    cap: str = "1"
    total_share: str = "0.5"
    step: str | None = None
    rank_total: int = 12  # how many the city ranks (city_rank)
    percent: bool = False  # survey rates imported as percentages
    note: str = ""
    texts: tuple[str, ...] = ()
    source: str = ""  # unit code of the data source unit (一数一源): it records for every unit


ACCIDENTS = (
    "辖区内一建筑工地发生高处坠落事故，1人受伤",
    "一家机械加工企业发生机械伤害事故，1人受伤",
    "一处出租民房发生火灾事故，无人员伤亡",
    "一家物流企业叉车作业发生一般生产安全事故，1人死亡",
    "道路施工现场发生坍塌事故，2人受伤",
)
PETITIONS = (
    "群众就征地补偿问题越级赴市上访1批次",
    "村民就拆迁安置问题越级赴省上访1批次",
    "务工人员就欠薪问题集体越级上访1批次",
)
SECTOR_ACCIDENTS = (
    "监管行业内一家企业发生一般生产安全事故，1人受伤",
    "行业领域发生一般安全事故，无人员死亡",
    "行业监管对象发生火灾事故，1人受伤",
)
CORRECTED_CASES = (
    "行政复议决定撤销本单位作出的行政处罚决定1件",
    "行政诉讼一审败诉案件1件",
    "行政复议决定确认本单位行政行为违法1件",
)
REPEAT_PETITIONS = (
    "群众就入学政策问题重复信访1批次",
    "群众就医疗报销问题重复信访1批次",
    "群众就社保待遇问题重复信访1批次",
)
BONUS_ITEM = Item("JF", "争先创优加分", "加分项", "3", M.BONUS, measure="分")
DEDUCTION_ITEM = Item("KF", "履职尽责扣分", "扣分项", "5", M.DEDUCTION, measure="分", lead="ZH01")
VETO_ITEM = Item("FJ", "安全生产和信访稳定一票否决", "一票否决", "0", M.VETO, lead="ZH07")
DISQUALIFY_ITEM = Item("QX", "取消评优资格情形", "取消评优", "0", M.DISQUALIFY, lead="ZH01")

SCHEMES: dict[str, list[Item]] = {
    "town": [
        Item("GDP", "地区生产总值", "经济发展", "12", M.INCREMENT, A.LATEST, "亿元", "JJ01",
             "level", 28, 120, total_share="0.4",
             note="{month}月统计快报：预计全年地区生产总值{value}{measure}"),
        Item("REV", "一般公共预算收入", "经济发展", "10", M.COMPLETION, A.SUM, "万元", "JJ04",
             "amount", 8000, 45000, cap="1.1", source="JJ04",
             note="{month}月一般公共预算收入入库{value}{measure}"),
        Item("FAI", "固定资产投资", "经济发展", "8", M.COMPLETION, A.SUM, "亿元", "JJ01",
             "amount", 12, 60, note="{month}月完成固定资产投资{value}{measure}"),
        Item("INV", "招商引资到位资金", "经济发展", "10", M.BASE_RATIO, A.SUM, "万元", "JJ08",
             "deals", 20000, 80000, places=0),
        Item("ACC", "安全生产事故起数", "社会治理", "6", M.CEILING, A.SUM, "起", "ZH07",
             "events", 3, 6, texts=ACCIDENTS),
        Item("XF", "信访稳定（越级上访批次）", "社会治理", "5", M.CEILING, A.SUM, "批次", "",
             "events", 2, 5, texts=PETITIONS),
        Item("PM", "PM2.5年均浓度", "社会治理", "5", M.CEILING, A.LATEST, "微克/立方米", "ZH06",
             "ceiling_level", 33, 40, places=1),
        Item("MS", "民生实事项目完成", "社会治理", "6", M.COMPLETION, A.SUM, "项", "",
             "count", 6, 12, note="{month}月完成民生实事项目{value}{measure}"),
        Item("YS", "全市营商环境评价排名", "全市排名", "4", M.CITY_RANK, lead="JJ07",
             rank_total=86),
        Item("XC", "全市乡村振兴实绩考核排名", "全市排名", "4", M.CITY_RANK, lead="JJ05",
             rank_total=86),
        Item("DJ", "基层党建工作", "党的建设", "10", M.GRADED, lead="ZH03"),
        Item("YT", "意识形态工作", "党的建设", "5", M.GRADED, lead="ZH04"),
        Item("MY", "群众满意度", "群众满意度", "15", M.SURVEY, percent=True),
        BONUS_ITEM,
        DEDUCTION_ITEM,
        VETO_ITEM,
        DISQUALIFY_ITEM,
    ],
    "economic": [
        Item("VA", "分管行业增加值", "经济发展", "12", M.INCREMENT, A.LATEST, "亿元", "JJ01",
             "level", 15, 80, note="{month}月统计快报：预计全年分管行业增加值{value}{measure}"),
        Item("TAX", "分管行业税收收入", "经济发展", "10", M.COMPLETION, A.SUM, "万元", "JJ04",
             "amount", 5000, 30000, cap="1.1", note="{month}月分管行业税收入库{value}{measure}"),
        Item("PRJ", "重点项目投资完成额", "经济发展", "12", M.COMPLETION, A.SUM, "亿元", "JJ01",
             "amount", 5, 30, note="{month}月重点项目完成投资{value}{measure}"),
        Item("INV", "招商引资到位资金", "经济发展", "10", M.BASE_RATIO, A.SUM, "万元", "JJ08",
             "deals", 10000, 60000, places=0),
        Item("ZJ", "“专精特新”企业培育", "经济发展", "6", M.COMPLETION, A.SUM, "家", "JJ02",
             "count", 3, 8, note="{month}月新认定“专精特新”企业{value}{measure}"),
        Item("DB", "区委区政府督办事项办结", "重点工作", "7", M.COMPLETION, A.SUM, "件", "ZH02",
             "count", 12, 30, note="{month}月办结区委区政府督办事项{value}{measure}"),
        Item("AQ", "行业安全生产事故起数", "社会治理", "5", M.CEILING, A.SUM, "起", "ZH07",
             "events", 1, 3, texts=SECTOR_ACCIDENTS),
        Item("CR", "全市同类部门工作考评排名", "全市排名", "8", M.CITY_RANK, step="0.5"),
        Item("DJ", "机关党建工作", "党的建设", "10", M.GRADED, lead="ZH03"),
        Item("LZ", "党风廉政建设", "党的建设", "5", M.GRADED),
        Item("MY", "服务对象满意度", "群众满意度", "15", M.SURVEY),
        BONUS_ITEM,
        DEDUCTION_ITEM,
        VETO_ITEM,
        DISQUALIFY_ITEM,
    ],
    "management": [
        Item("RW", "年度重点工作任务完成", "重点工作", "15", M.COMPLETION, A.SUM, "项", "ZH02",
             "count", 20, 40, note="{month}月完成年度重点工作任务{value}{measure}"),
        Item("DB", "督办事项按时办结", "重点工作", "10", M.COMPLETION, A.SUM, "件", "ZH01",
             "count", 15, 40, note="{month}月按时办结督办事项{value}{measure}"),
        Item("XX", "政务信息被市级以上采用", "重点工作", "8", M.INCREMENT, A.SUM, "篇", "ZH01",
             "count", 30, 60, note="{month}月政务信息被市级以上采用{value}{measure}"),
        Item("SJ", "争取上级资金", "重点工作", "12", M.BASE_RATIO, A.SUM, "万元", "JJ04",
             "deals", 2000, 15000, places=0),
        Item("FY", "行政复议和诉讼被纠错案件", "依法行政", "5", M.CEILING, A.SUM, "件", "",
             "events", 1, 3, texts=CORRECTED_CASES),
        Item("CR", "全市同类部门工作考评排名", "全市排名", "10", M.CITY_RANK),
        Item("DJ", "机关党建工作", "党的建设", "12", M.GRADED, lead="ZH03"),
        Item("YT", "意识形态工作责任制", "党的建设", "5", M.GRADED, lead="ZH04"),
        Item("ZF", "机关作风效能建设", "作风效能", "8", M.GRADED, lead="ZH01"),
        Item("MY", "服务对象满意度", "群众满意度", "15", M.SURVEY),
        BONUS_ITEM,
        DEDUCTION_ITEM,
        VETO_ITEM,
        DISQUALIFY_ITEM,
    ],
    "social": [
        Item("MS", "民生实事项目完成", "民生事业", "15", M.COMPLETION, A.SUM, "项", "ZH02",
             "count", 4, 10, note="{month}月完成民生实事项目{value}{measure}"),
        Item("TR", "民生领域财政投入", "民生事业", "12", M.INCREMENT, A.SUM, "万元", "JJ04",
             "amount", 8000, 50000, note="{month}月民生领域财政支出{value}{measure}"),
        Item("SJ", "争取上级资金", "民生事业", "10", M.BASE_RATIO, A.SUM, "万元", "JJ04",
             "deals", 3000, 20000, places=0),
        Item("FW", "公共服务事项按时办结", "民生事业", "8", M.COMPLETION, A.SUM, "件", "",
             "count", 200, 800, note="{month}月按时办结公共服务事项{value}{measure}"),
        Item("AQ", "行业安全事故起数", "社会治理", "5", M.CEILING, A.SUM, "起", "ZH07",
             "events", 1, 3, texts=SECTOR_ACCIDENTS),
        Item("XF", "重复信访批次", "社会治理", "5", M.CEILING, A.SUM, "批次", "",
             "events", 2, 4, texts=REPEAT_PETITIONS),
        Item("CR", "全市同类部门工作考评排名", "全市排名", "10", M.CITY_RANK),
        Item("DJ", "机关党建工作", "党的建设", "10", M.GRADED, lead="ZH03"),
        Item("ZF", "机关作风效能建设", "作风效能", "10", M.GRADED, lead="ZH01"),
        Item("MY", "群众满意度", "群众满意度", "15", M.SURVEY, percent=True),
        BONUS_ITEM,
        DEDUCTION_ITEM,
        VETO_ITEM,
        DISQUALIFY_ITEM,
    ],
}  # fmt: skip
# A category the demo does not know (a district may add one) is scored like the departments.
DEFAULT_SCHEME = "management"

DEAL_PROJECTS = (
    "新能源汽车零部件生产基地", "智能装备制造产业园", "冷链物流中心", "生物医药研发中试基地",
    "文旅康养综合体", "数字经济产业园", "农产品精深加工", "分布式光伏发电", "高端纺织服装",
    "新型建材", "跨境电商产业园", "半导体封装测试",
)  # fmt: skip
FUND_SOURCES = ("中央预算内投资", "省级财政专项资金", "地方政府专项债券", "市级奖补资金")
# Where a unit's events and deals take place: a locality of its own (the n-th unit the n-th name),
# so that two units' records never read alike but for their numbers (the integrity signals
# would rightly ask why).
PLACE_STEMS = "桃源 柳营 石桥 杏林 枫林 梅岭 竹园 荷塘 松坡 兰亭 槐荫 芦湾".split()
PLACES = tuple(f"{stem}{kind}" for kind in ("村", "社区", "园区") for stem in PLACE_STEMS)
AWARDS = (
    (Decimal("1.0"), "工作获国家部委通报表扬"),
    (Decimal("0.5"), "获省委省政府表彰"),
    (Decimal("0.3"), "工作经验被省级刊物推广"),
    (Decimal("0.2"), "获市委市政府通报表扬"),
)
FAILURES = (
    (Decimal("1.0"), "被市委市政府督查通报批评"),
    (Decimal("0.5"), "重点工作推进滞后被区委督查室通报"),
    (Decimal("0.3"), "政务信息迟报漏报被通报"),
    (Decimal("0.2"), "无故缺席全区重点工作推进会"),
)
HIGHLIGHTS = (
    ("“一网统管”基层治理新模式", "整合网格、综治、城管力量，实现群众诉求一网受理、限时办结。"),
    ("重点项目“拿地即开工”", "推行容缺受理和并联审批，重点项目从供地到开工压缩至30天以内。"),
    ("“家门口”就业服务站", "在村（社区）设立就业服务站，全年帮助1200余名群众就近就业。"),
    ("老旧小区改造“居民点单”", "改造内容由居民投票决定，改造满意率达98%。"),
    ("企业服务专员制度", "为重点企业配备服务专员，全年协调解决企业诉求260余件。"),
    ("“智慧食堂”助老服务", "建成社区老年食堂15家，日均服务老年人2000余人次。"),
    ("河湖长制“民间河长”", "聘请民间河长80名参与巡河护河，辖区河道水质稳定达标。"),
)
STATEMENT_TEXTS = (
    "已对通报问题逐项整改：明确专人负责，建立周调度台账，整改情况已报区委督查室备案。",
    "情况属实。已向区政府作出书面说明，并修订内部报送制度，确保今后按时准确报送。",
)
LATE_REASON = "10月材料因报送系统升级未能按时填报，经区考核办同意补录"
# A tiny valid PDF: the demo's verified record with a document attached.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO_PDF_NAME = "佐证材料.pdf"
REJECTIONS = (
    "与已核实记录重复填报",
    "数值与统计部门快报不一致，请核实后重新填报",
    "佐证材料不全，缺少主管部门盖章证明",
)
GRADE_A_REASONS = (
    "工作成效突出，经验做法被市级推广",
    "年度述职评议排名第一，各项任务全部高质量完成",
    "创新举措获上级领导批示肯定",
)
GRADE_D_REASONS = (
    "主体责任落实不到位，年度检查发现问题整改不力",
    "述职评议排名末位，多项任务未按期完成",
)
