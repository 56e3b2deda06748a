"""The demo district's 2026 assessment year (``manage.py seed_demo``), after its published
2025 year (``assessment.demo_previous``).

For the demo units already in the database (``units.demo``), this writes what a district office
would have on file by late November: a scheme per unit category that uses every scoring method
and both aggregations, targets and bases with the responsible cadre, ten months of evidence
(mostly verified, some pending, a few rejected with a reason, a couple of corrections), the
imported city ranks, grades and survey rates, the team and cadre evaluations, three key
projects with their plans, progress and contribution points (``assessment.demo_projects``),
and one computation of the results with a bonus pool. The year is left in `scoring`, so the
office can recompute it.

Deterministic (one seeded ``random.Random``) and idempotent: if the year exists, nothing is
written. Rows are written with ``bulk_create_with_history`` so the audit history is complete.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessment import attachments as files
from assessment.demo_projects import seed_projects
from assessment.models import (
    AssessmentYear,
    CadreEvaluation,
    CityRank,
    Evidence,
    EvidenceStatement,
    EvidenceStatus,
    Grade,
    Highlight,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
    YearStatus,
)
from assessment.policy import transition_error
from assessment.scoring import Aggregation, Method
from assessment.services.compute import results_compute
from units.audit import seal_pending
from units.models import Cadre, Membership, Unit, UnitCategory
from units.roles import GROUP_NAMES, Role

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
DEDUCTION_ITEM = Item("KF", "工作失误扣分", "扣分项", "5", M.DEDUCTION, measure="分", lead="ZH01")
VETO_ITEM = Item("FJ", "安全生产和信访稳定一票否决", "一票否决", "0", M.VETO, lead="ZH07")

SCHEMES: dict[str, list[Item]] = {
    "town": [
        Item("GDP", "地区生产总值", "经济发展", "12", M.INCREMENT, A.LATEST, "亿元", "JJ01",
             "level", 28, 120, total_share="0.4",
             note="{month}月统计快报：预计全年地区生产总值{value}{measure}"),
        Item("REV", "一般公共预算收入", "经济发展", "10", M.COMPLETION, A.SUM, "万元", "JJ04",
             "amount", 8000, 45000, cap="1.1",
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
LATE_REASON = "10月材料因报送系统升级未能按时录入，经区考核办同意补录"
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


@dataclass
class Plan:
    """A unit's target and base for an indicator and its records: (date, value, description)."""

    target: Decimal | None = None
    base: Decimal | None = None
    records: list[tuple[datetime.date, Decimal, str]] = field(default_factory=list)


CENT = Decimal("0.01")


def _dec(value: float, places: int) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def _day(rng: random.Random, month: int, first: int = 3, last: int = 26) -> datetime.date:
    return datetime.date(DEMO_YEAR, month, rng.randint(first, last))


def _monthly(
    total: float, rng: random.Random, *, months: int = 12, last: int = LAST_MONTH
) -> list[float]:
    """`total` spread over `months` uneven months; those up to month `last` are returned."""
    weights = [rng.uniform(0.75, 1.25) for _ in range(months)]
    return [total * w / sum(weights) for w in weights[:last]]


def _note(item: Item, month: int, value: Decimal) -> str:
    return item.note.format(month=month, value=value, measure=item.measure)


def _plan_amount(item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH) -> Plan:
    """Monthly flows (revenue, investment): their sum is compared with the annual target."""
    target = _dec(rng.uniform(item.low, item.high), item.places)
    plan = Plan(target=target)
    if item.method == M.INCREMENT:
        plan.base = _dec(float(target) / rng.uniform(1.06, 1.12), item.places)
    # An increment is judged against last year's full figure: the demo lets those units be
    # further ahead by October, so that the increment part does not read as zero everywhere.
    months = last + 1 if item.method == M.INCREMENT else 12
    total = float(target) * perf * rng.uniform(0.92, 1.05)
    for month, value in enumerate(_monthly(total, rng, months=months, last=last)):
        amount = _dec(value, item.places)
        plan.records.append((_day(rng, month + 1), amount, _note(item, month + 1, amount)))
    return plan


def _plan_count(item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH) -> Plan:
    """Things done (tasks, cases, firms): whole numbers, recorded in the month they were done."""
    target = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(target))
    if item.method == M.INCREMENT:
        plan.base = Decimal(min(target - 1, round(target / rng.uniform(1.1, 1.25))))
    done = round(target * last / 12 * perf * rng.uniform(0.9, 1.08))
    per_month = [0] * last
    for month in rng.choices(range(last), k=done):
        per_month[month] += 1
    for month, count in enumerate(per_month, start=1):
        if count:
            plan.records.append((_day(rng, month), Decimal(count), _note(item, month, count)))
    return plan


def _plan_level(item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH) -> Plan:
    """A figure re-estimated each month (latest counts): the full-year forecast of GDP."""
    base = rng.uniform(item.low, item.high)
    growth = rng.uniform(0.06, 0.09)
    final = growth * perf * rng.uniform(0.6, 1.1)
    plan = Plan(target=_dec(base * (1 + growth), item.places), base=_dec(base, item.places))
    for month in range(1, last + 1):
        estimate = final * (0.8 + 0.2 * month / last) + rng.uniform(-0.004, 0.004)
        value = _dec(base * (1 + estimate), item.places)
        plan.records.append((_day(rng, month, 25, 28), value, _note(item, month, value)))
    return plan


def _plan_ceiling_level(
    item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH
) -> Plan:
    """A level kept under a ceiling, re-measured each month (PM2.5 running average)."""
    ceiling = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(ceiling))
    level = ceiling * (1.12 - 0.3 * (perf - 0.82))
    for month in range(1, last + 1):
        value = _dec(level * rng.uniform(0.96, 1.04), item.places)
        months = f"1-{month}月" if month > 1 else "1月"
        text = f"{months}PM2.5累计平均浓度{value}{item.measure}"
        plan.records.append((_day(rng, month, 25, 28), value, text))
    return plan


def _plan_events(item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH) -> Plan:
    """Events counted against a ceiling (accidents, petitions): one record per event."""
    ceiling = rng.randint(int(item.low), int(item.high))
    plan = Plan(target=Decimal(ceiling))
    happened = max(0, round(ceiling * rng.uniform(0.2, 1.4) / perf))
    for _ in range(happened):
        date = _day(rng, rng.randint(1, last))
        text = f"{date.month}月{date.day}日{rng.choice(item.texts)}"
        plan.records.append((date, Decimal(1), text))
    return plan


def _plan_deals(item: Item, perf: float, rng: random.Random, last: int = LAST_MONTH) -> Plan:
    """Funds attracted deal by deal, compared with the unit's original base (base_ratio)."""
    base = _dec(rng.uniform(item.low, item.high), item.places)
    plan = Plan(base=base)
    total = float(base) * rng.uniform(0.55, 1.3) * perf
    shares = [rng.uniform(0.5, 1.5) for _ in range(rng.randint(2, 5))]
    for share in shares:
        amount = _dec(total * share / sum(shares), item.places)
        date = _day(rng, rng.randint(1, last))
        if item.code == "INV":
            text = f"{rng.choice(DEAL_PROJECTS)}项目到位资金{amount}{item.measure}"
        else:
            text = f"争取{rng.choice(FUND_SOURCES)}{amount}{item.measure}"
        plan.records.append((date, amount, text))
    return plan


def _plan_awards(
    item: Item,
    perf: float,
    rng: random.Random,
    *,
    table: Sequence[tuple[Decimal, str]],
    last: int = LAST_MONTH,
) -> Plan:
    """Awards (bonus) or failures (deduction): a few a year, each worth its points."""
    plan = Plan()
    for _ in range(max(0, round(rng.uniform(-1.5, 2.5) * perf))):
        value, text = rng.choice(table)
        date = _day(rng, rng.randint(1, last))
        plan.records.append((date, value, f"{date.month}月{text}"))
    return plan


_PLANNERS = {
    "amount": _plan_amount,
    "count": _plan_count,
    "level": _plan_level,
    "ceiling_level": _plan_ceiling_level,
    "events": _plan_events,
    "deals": _plan_deals,
}


def plan_for(item: Item, perf: float, rng: random.Random, *, last: int = LAST_MONTH) -> Plan:
    """The demo data of one unit for one indicator; `perf` > 1 is a unit doing well.

    Records run from January to month `last` of the demo year (October: the demo is set in
    late November; a finished year has all twelve).
    """
    if item.method == M.BONUS:
        return _plan_awards(item, perf, rng, table=AWARDS, last=last)
    if item.method == M.DEDUCTION:
        return _plan_awards(item, 1 / perf, rng, table=FAILURES, last=last)
    if item.data:
        return _PLANNERS[item.data](item, perf, rng, last)
    return Plan()


# --- the seed --------------------------------------------------------------------------------


@dataclass
class District:
    """What the seed reads once: units by category, their cadres, reporters and the office."""

    units: list[Unit]
    categories: dict[int, UnitCategory]
    cadres: dict[int, list[Cadre]]
    reporters: dict[int, object]  # unit id → user
    office: object
    supervision: object | None
    perf: dict[int, float] = field(default_factory=dict)
    quality: dict[int, float] = field(default_factory=dict)

    def scheme(self, unit: Unit) -> list[Item]:
        return scheme_for(self.categories[unit.category_id])


def scheme_for(category: UnitCategory) -> list[Item]:
    return SCHEMES.get(category.code, SCHEMES[DEFAULT_SCHEME])


def _users() -> tuple[object, object | None]:
    """The office and supervision accounts (created by ``units.demo.seed``, which runs first)."""
    User = get_user_model()
    office = User.objects.get(username=OFFICE_USERNAME)
    return office, User.objects.filter(username=SUPERVISION_USERNAME).first()


def _district(rng: random.Random) -> District:
    units = list(Unit.objects.active().order_by("category__sort_order", "code"))
    cadres: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(is_active=True, unit__in=units).order_by(
        "unit__code", "-rank_kind", "id"
    ):
        cadres[cadre.unit_id].append(cadre)
    office, supervision = _users()  # first: the reporters may be among the accounts it makes
    memberships = Membership.objects.filter(
        unit__in=units, user__groups__name=GROUP_NAMES[Role.REPORTER], user__is_active=True
    ).select_related("user")
    reporters: dict[int, object] = {}
    for membership in memberships.order_by("user__username"):
        reporters.setdefault(membership.unit_id, membership.user)
    district = District(
        units=units,
        categories={c.pk: c for c in UnitCategory.objects.all()},
        cadres=cadres,
        reporters=reporters,
        office=office,
        supervision=supervision,
    )
    for unit in units:
        district.perf[unit.pk] = rng.uniform(0.82, 1.22)
        district.quality[unit.pk] = (district.perf[unit.pk] + rng.uniform(0.82, 1.22)) / 2
    return district


@transaction.atomic
def seed(*, stdout) -> None:  # type: ignore[no-untyped-def]
    from assessment.demo_ballots import seed_ballots
    from assessment.demo_previous import seed_previous_year
    from assessment.demo_surveys import seed_surveys

    seed_previous_year(stdout=stdout)  # 2025, published: first, as a district would have it
    if AssessmentYear.objects.filter(year=DEMO_YEAR).exists():
        stdout.write(f"assessment year {DEMO_YEAR}: exists already, left as it is")
        return
    rng = random.Random(DEMO_YEAR * 7 + 1)
    district = _district(rng)
    if not district.units:
        stdout.write(f"assessment year {DEMO_YEAR}: no units to assess, not created")
        return
    year = AssessmentYear(year=DEMO_YEAR, status=YearStatus.SETUP, bonus_pool=BONUS_POOL)
    year._history_user = district.office  # type: ignore[attr-defined]
    year.full_clean()
    year.save()
    indicators = _seed_scheme(year, district)
    plans = _seed_targets(indicators, district, rng)
    _move(year, YearStatus.COLLECTING, district)
    evidence = _seed_evidence(plans, indicators, district, rng)
    _seed_imports(year, indicators, district, rng)
    seed_projects(year, district, _bulk)
    _seed_highlights(year, district)
    _seed_statements(year, indicators, district)
    _move(year, YearStatus.SCORING, district)
    _seed_late_record(indicators, district)
    _seed_attachment(year, district)
    voting_codes = seed_ballots(
        year, district.office, district.units, district.quality, random.Random(DEMO_YEAR * 11)
    )
    seed_surveys(
        year, district.office, district.units, district.quality, random.Random(DEMO_YEAR * 13)
    )
    run = results_compute(year=year, by=district.office, bonus_pool=BONUS_POOL)
    stdout.write(
        f"assessment year {DEMO_YEAR}: {len(indicators)} indicators, "
        f"{sum(p.target is not None or p.base is not None for p in plans.values())} targets, "
        f"{evidence} evidence records, {run.units.count()} unit results, state “scoring”"
    )
    if voting_codes:
        stdout.write(
            "democratic evaluation open: vote at /vote/ with one of these one-time codes: "
            + ", ".join(voting_codes)
        )


def _move(year: AssessmentYear, to: YearStatus, district: District) -> None:
    error = transition_error(year, to)
    if error:
        raise RuntimeError(error)
    year.status = to
    year._history_user = district.office  # type: ignore[attr-defined]
    year.save(update_fields=["status", "updated_at"])


def _bulk(model, rows: Sequence, district: District) -> list:  # type: ignore[no-untyped-def]
    created = bulk_create_with_history(
        rows,
        model,
        batch_size=500,
        default_user=district.office,
        default_change_reason=SEED_REASON,
    )
    seal_pending([model.history.model])  # bulk writes send no signal: sealed into the chain here
    return created


IndicatorKey = tuple[int, str]  # (category id, indicator code)


def _seed_scheme(year: AssessmentYear, district: District) -> dict[IndicatorKey, Indicator]:
    leads = {unit.code: unit for unit in district.units}
    rows = []
    for category_id in dict.fromkeys(unit.category_id for unit in district.units):
        category = district.categories[category_id]
        for order, item in enumerate(scheme_for(category), start=1):
            indicator = Indicator(
                year=year,
                category=category,
                code=item.code,
                name=item.name,
                group=item.group,
                points=Decimal(item.points),
                method=item.method.value,
                aggregation=item.aggregation.value,
                cap=Decimal(item.cap),
                total_share=Decimal(item.total_share),
                step=Decimal(item.step) if item.step else None,
                lead_unit=leads.get(item.lead),
                measure=item.measure,
                sort_order=order * 10,
            )
            indicator.full_clean()
            rows.append(indicator)
    return {(i.category_id, i.code): i for i in _bulk(Indicator, rows, district)}


PlanKey = tuple[Unit, Item]


def _responsible(district: District, unit: Unit, item: Item) -> Cadre | None:
    """Who answers for a target: the team's second (镇长 or a deputy); for safety, the last."""
    team = district.cadres.get(unit.pk, [])
    if not team:
        return None
    if item.method == M.CEILING:
        return team[-1]
    return team[1] if len(team) > 1 else team[0]


def _seed_targets(
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
    planner=plan_for,  # type: ignore[no-untyped-def]
) -> dict[PlanKey, Plan]:
    plans: dict[PlanKey, Plan] = {}
    targets = []
    for unit in district.units:
        for item in district.scheme(unit):
            plan = plans[(unit, item)] = planner(item, district.perf[unit.pk], rng)
            if plan.target is None and plan.base is None:
                continue
            targets.append(
                Target(
                    indicator=indicators[(unit.category_id, item.code)],
                    unit=unit,
                    target=plan.target,
                    base=plan.base,
                    leader=_responsible(district, unit, item),
                )
            )
    _bulk(Target, targets, district)
    return plans


# --- evidence ----------------------------------------------------------------------------------


def _verified_at(date: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(
        date + datetime.timedelta(days=rng.randint(2, 12)),
        datetime.time(rng.randint(9, 17), rng.randint(0, 59)),
    )
    return timezone.make_aware(moment)


def _record(
    unit: Unit,
    indicator: Indicator,
    entry: tuple[datetime.date, Decimal, str],
    status: str,
    recorder: object | None,
    district: District,
    rng: random.Random,
    reason: str = "",
) -> Evidence:
    date, value, text = entry
    reviewed = status != EvidenceStatus.PENDING
    record = Evidence(
        unit=unit,
        indicator=indicator,
        date=date,
        value=value,
        description=text,
        status=status,
        recorded_by=recorder,
        verified_by=district.office if reviewed else None,
        verified_at=_verified_at(date, rng) if reviewed else None,
        status_reason=reason,
    )
    record._history_user = recorder or district.office  # type: ignore[attr-defined]
    return record


def _unit_evidence(
    unit: Unit, item: Item, indicator: Indicator, plan: Plan, district: District, rng: random.Random
) -> list[Evidence]:
    """Mostly verified; September and October partly still pending; now and then a rejection."""
    if item.method == M.DEDUCTION:
        recorder = district.supervision or district.office
    else:
        recorder = district.reporters.get(unit.pk)
    rows = []
    for entry in sorted(plan.records):
        pending = entry[0].month >= LAST_MONTH - 1 and rng.random() < 0.2
        status = EvidenceStatus.PENDING if pending else EvidenceStatus.VERIFIED
        rows.append(_record(unit, indicator, entry, status, recorder, district, rng))
    if plan.records and item.method not in (M.BONUS, M.DEDUCTION) and rng.random() < 0.06:
        reason = rng.choice(REJECTIONS)
        date, value, text = rng.choice(plan.records)
        if reason != REJECTIONS[0]:  # a wrong figure rather than the same one twice
            value = (value * Decimal(rng.choice(["1.3", "1.5", "2"]))).quantize(CENT)
        entry = (date, value, text)
        rows.append(
            _record(
                unit, indicator, entry, EvidenceStatus.REJECTED, recorder, district, rng, reason
            )
        )
    return rows


def _veto_evidence(
    indicators: dict[IndicatorKey, Indicator], district: District, rng: random.Random
) -> list[Evidence]:
    """One verified veto (a serious accident) and one reported incident still being checked."""
    first_category = district.units[0].category_id  # towns: where such accidents happen
    vetoed = rng.choice([u for u in district.units if u.category_id == first_category])
    checking = rng.choice([u for u in district.units if u is not vetoed] or [vetoed])
    cases = [
        (
            vetoed,
            EvidenceStatus.VERIFIED,
            "发生较大生产安全事故（3人死亡），经区考核委员会审定一票否决",
        ),
        (checking, EvidenceStatus.PENDING, "辖区发生群体性聚集事件，是否构成一票否决情形待核实"),
    ]
    rows = []
    for unit, status, text in cases:
        date = _day(rng, rng.randint(6, LAST_MONTH))
        entry = (date, Decimal(1), f"{date.month}月{date.day}日{text}")
        indicator = indicators[(unit.category_id, VETO_ITEM.code)]
        rows.append(_record(unit, indicator, entry, status, district.office, district, rng))
    return rows


def _seed_evidence(
    plans: dict[PlanKey, Plan],
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
) -> int:
    rows = []
    for (unit, item), plan in plans.items():
        indicator = indicators[(unit.category_id, item.code)]
        rows += _unit_evidence(unit, item, indicator, plan, district, rng)
    rows += _veto_evidence(indicators, district, rng)
    created = _bulk(Evidence, rows, district)
    return len(created) + _correct(created, district, rng)


def _correct(records: list[Evidence], district: District, rng: random.Random) -> int:
    """A couple of verified figures found wrong later: a correction supersedes each."""
    flows = [
        record
        for record in records
        if record.status == EvidenceStatus.VERIFIED
        and record.indicator.method in (M.COMPLETION, M.INCREMENT)
        and record.value > 10
    ]
    corrections = []
    for old in rng.sample(flows, min(3, len(flows))):
        value = (old.value * Decimal(rng.choice(["0.9", "0.95", "1.05"]))).quantize(old.value)
        text = (
            f"更正{old.date.month}月数据：原填报{old.value}，"
            f"经核对应为{value}{old.indicator.measure}（{old.description}）"
        )[:500]
        correction = Evidence(
            unit=old.unit,
            indicator=old.indicator,
            date=old.date,
            value=value,
            description=text,
            status=EvidenceStatus.VERIFIED,
            supersedes=old,
            recorded_by=old.recorded_by,
            verified_by=district.office,
            verified_at=old.verified_at + datetime.timedelta(days=20),
        )
        correction._history_user = old.recorded_by or district.office  # type: ignore[attr-defined]
        corrections.append(correction)
    _bulk(Evidence, corrections, district)
    for correction in corrections:
        old = correction.supersedes
        old.is_current = False
        old._history_user = district.office  # type: ignore[attr-defined]
        old._change_reason = "已被更正记录取代"  # type: ignore[attr-defined]
        old.save(update_fields=["is_current"])
    return len(corrections)


# --- imported assessments, evaluations, key projects -------------------------------------------


def _by_quality(units: list[Unit], district: District, rng: random.Random) -> list[Unit]:
    """Units best first by how well they work, with some noise: graders do not all agree."""
    noisy = {unit.pk: district.quality[unit.pk] + rng.uniform(-0.08, 0.08) for unit in units}
    return sorted(units, key=lambda unit: -noisy[unit.pk])


def _city_ranks(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    ordered = _by_quality(units, district, rng)
    total = item.rank_total
    if total >= 3 * len(units):  # ranked among many: our units hold distinct places
        places = sorted(rng.sample(range(1, total + 1), len(units)))
    else:  # each compared with its peers in the city's other districts
        places = [
            min(total, max(1, round(1 + (1.22 - district.quality[unit.pk]) / 0.4 * (total - 1))))
            for unit in ordered
        ]
    return [
        CityRank(indicator=indicator, unit=unit, rank=rank, total=total)
        for unit, rank in zip(ordered, places, strict=True)
    ]


def _grades(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    rows = []
    ordered = _by_quality(units, district, rng)
    for position, unit in enumerate(ordered):
        share = position / len(ordered)
        grade = "A" if share < 0.25 else "B" if share < 0.7 else "C" if share < 0.9 else "D"
        reasons = {"A": GRADE_A_REASONS, "D": GRADE_D_REASONS}.get(grade)
        reason = rng.choice(reasons) if reasons else ""
        rows.append(Grade(indicator=indicator, unit=unit, grade=grade, reason=reason))
    return rows


def _survey_rates(
    item: Item, indicator: Indicator, units: list[Unit], district: District, rng: random.Random
) -> list:
    rows = []
    for unit in units:
        rate = 0.9 + 0.12 * (district.quality[unit.pk] - 1) + rng.uniform(-0.02, 0.02)
        rate = min(0.99, max(0.78, rate))
        value = _dec(rate * 100, 2) if item.percent else _dec(rate, 4)
        rows.append(SurveyRate(indicator=indicator, unit=unit, rate=value))
    return rows


_IMPORTS = {M.CITY_RANK: _city_ranks, M.GRADED: _grades, M.SURVEY: _survey_rates}


def _seed_imports(
    year: AssessmentYear,
    indicators: dict[IndicatorKey, Indicator],
    district: District,
    rng: random.Random,
) -> None:
    by_category: dict[int, list[Unit]] = defaultdict(list)
    for unit in district.units:
        by_category[unit.category_id].append(unit)
    rows: dict[type, list] = defaultdict(list)
    for category_id, units in by_category.items():
        for item in district.scheme(units[0]):
            if item.method in _IMPORTS:
                indicator = indicators[(category_id, item.code)]
                made = _IMPORTS[item.method](item, indicator, units, district, rng)
                rows[type(made[0])] += made
    for unit in district.units:
        score = 88 + 20 * (district.quality[unit.pk] - 1) + rng.uniform(-3, 3)
        rows[TeamEvaluation].append(
            TeamEvaluation(year=year, unit=unit, score=_dec(min(99, max(70, score)), 2))
        )
        for cadre in district.cadres.get(unit.pk, []):
            score = 86 + 15 * (district.quality[unit.pk] - 1) + rng.uniform(-5, 5)
            rows[CadreEvaluation].append(
                CadreEvaluation(year=year, cadre=cadre, score=_dec(min(99, max(65, score)), 2))
            )
    for model, made in rows.items():
        _bulk(model, made, district)


# --- highlights, statements, a late record and an attachment ----------------------------------


def _seed_highlights(year: AssessmentYear, district: District) -> None:
    """Two or three highlights per unit; the second unit has only one (its page warns)."""
    rows = []
    for index, unit in enumerate(district.units):
        count = 1 if index == 1 else 2 + index % 2
        author = district.reporters.get(unit.pk) or district.office
        for number in range(count):
            title, description = HIGHLIGHTS[(index + number * 3) % len(HIGHLIGHTS)]
            rows.append(
                Highlight(
                    year=year,
                    unit=unit,
                    title=title,
                    description=description,
                    created_by=author,
                )
            )
    _bulk(Highlight, rows, district)


def _seed_statements(
    year: AssessmentYear, indicators: dict[IndicatorKey, Indicator], district: District
) -> None:
    """Two deductions answered with a statement by the unit's reporter.

    If the reporters' units have fewer than two deductions on record, supervision records the
    missing ones (verified) first, so that the demo always shows two answered failures.
    """
    failures = list(
        Evidence.objects.filter(
            indicator__year=year,
            indicator__method=M.DEDUCTION,
            is_current=True,
            unit_id__in=list(district.reporters),
        ).order_by("unit__code", "date", "pk")
    )
    if not district.reporters:
        return
    unit = next(u for u in district.units if u.pk in district.reporters)
    indicator = indicators[(unit.category_id, DEDUCTION_ITEM.code)]
    rng = random.Random(DEMO_YEAR)
    extra = [
        _record(
            unit,
            indicator,
            (datetime.date(DEMO_YEAR, 8 + n, 12), value, f"{8 + n}月{text}"),
            EvidenceStatus.VERIFIED,
            district.supervision or district.office,
            district,
            rng,
        )
        for n, (value, text) in enumerate(FAILURES[2:][: max(0, 2 - len(failures))])
    ]
    failures += _bulk(Evidence, extra, district)
    rows = [
        EvidenceStatement(
            evidence=failure,
            unit_id=failure.unit_id,
            text=text,
            stated_by=district.reporters[failure.unit_id],
        )
        for failure, text in zip(failures, STATEMENT_TEXTS, strict=False)
    ]
    _bulk(EvidenceStatement, rows, district)


def _seed_late_record(indicators: dict[IndicatorKey, Indicator], district: District) -> None:
    """One record added by the office after the collection closed, with its reason."""
    unit = district.units[-1]
    item = next(i for i in district.scheme(unit) if i.data == "count")
    date = datetime.date(DEMO_YEAR, LAST_MONTH, 28)
    record = Evidence(
        unit=unit,
        indicator=indicators[(unit.category_id, item.code)],
        date=date,
        value=Decimal(1),
        description=f"{_note(item, LAST_MONTH, 1)}（补录）",
        recorded_by=district.office,
        is_late=True,
        late_reason=LATE_REASON,
    )
    record.full_clean()
    _bulk(Evidence, [record], district)


def _seed_attachment(year: AssessmentYear, district: District) -> None:
    """A small PDF on one verified record, stored like any upload."""
    record = (
        Evidence.objects.counting()
        .filter(indicator__year=year, indicator__method=M.BONUS)
        .order_by("unit__code", "date", "pk")
        .first()
    )
    if record is None:
        return
    prepared = files.prepare(ContentFile(DEMO_PDF, name=DEMO_PDF_NAME))
    files.store(evidence=record, prepared=prepared, by=district.office)
