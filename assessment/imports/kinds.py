"""The workbook kinds of spec/workbooks.md, declared as data.

Each kind lists its columns (Chinese header, English alias, optional or not, how a cell is
read, what a blank cell means), its identity (the natural key that makes a row "the same" on
a second import), which model field each column sets (validated by that field: length, range,
choices), what the year's policy must allow, and the permissions an acting user needs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessment.imports import kinds_items as catalogue
from assessment.imports import kinds_records as records
from assessment.imports import kinds_scheme as scheme
from assessment.imports import kinds_units as people
from assessment.imports import values as v
from assessment.imports.rows import Column, Context, Kind, ParsedRow
from assessment.imports.rules import evidence_rules
from assessment.models import (
    AggregationChoices,
    CityRank,
    EvidenceStatus,
    Grade,
    MethodChoices,
    SurveyRate,
)
from assessment.policy import Action
from units.models import Cadre


def _year() -> Column:
    return Column("year", "年度", v.year, help=_("The assessment year, e.g. 2026."))


def _unit() -> Column:
    return Column(
        "unit",
        "单位代码",
        v.text,
        help=_("The unit's code, e.g. TO01; it must be a unit already known."),
    )


def _indicator() -> Column:
    return Column("indicator", "指标代码", v.text, help=_("The indicator's code, e.g. GDP."))


def _category() -> Column:
    return Column(
        "category", "单位类别", v.text, help=_("The unit category: its Chinese name or its code.")
    )


UNITS = Kind(
    name="units",
    label=_("units"),
    columns=(
        Column(
            "code",
            "单位代码",
            v.text,
            help=_(
                "The unit's code (letters, digits, '-' or '_'), e.g. TO01; a new code adds a unit."
            ),
        ),
        Column("name", "单位名称", v.free_text, help=_("The unit's full name.")),
        _category(),
        Column(
            "headcount", "编制人数", v.count, help=_("Authorised staff numbers: a whole number.")
        ),
        Column(
            "parent",
            "上级单位代码",
            v.text,
            optional=True,
            help=_("The code of the parent unit (known, or new in the same file); blank: none."),
        ),
    ),
    identity=("code",),
    fields={
        "code": "code",
        "name": "name",
        "category": "category",
        "headcount": "headcount",
        "parent": "parent",
    },
    action=None,
    permissions=("units.add_unit", "units.change_unit"),
    resolve=people.resolve_units,
    existing=people.existing_units,
    write=people.write_units,
)

CADRES = Kind(
    name="cadres",
    label=_("cadres"),
    columns=(
        _unit(),
        Column(
            "name",
            "姓名",
            v.text,
            help=_("The cadre's name; with the unit code it identifies the cadre."),
        ),
        Column("position", "职务", v.free_text, help=_("The cadre's position, e.g. 党委书记.")),
        Column(
            "rank_kind",
            "正副职",
            v.rank_kind,
            optional=True,
            default=Cadre.RankKind.DEPUTY,
            help=_("Principal (正职) or deputy (副职); blank: deputy."),
        ),
    ),
    identity=("unit", "name"),
    fields={"name": "name", "position": "position", "rank_kind": "rank_kind"},
    action=None,
    permissions=("units.add_cadre", "units.change_cadre"),
    resolve=people.resolve_cadres,
    existing=people.existing_cadres,
    write=people.write_cadres,
)

INDICATORS = Kind(
    name="indicators",
    label=_("indicators"),
    columns=(
        _year(),
        _category(),
        Column(
            "code",
            "指标代码",
            v.text,
            help=_(
                "The indicator's code (letters, digits, '-' or '_'), e.g. GDP; a new code adds an "
                "indicator."
            ),
        ),
        Column("name", "指标名称", v.free_text, help=_("The indicator's name.")),
        # An indicator may have no group (the indicator form allows it): left blank, none.
        Column(
            "group",
            "指标分组",
            v.free_text,
            default="",
            help=_("The group the indicator is listed under; blank: none."),
        ),
        Column(
            "points",
            "分值",
            v.points,
            help=_("The indicator's points, e.g. 20 (a trailing 分 is allowed)."),
        ),
        Column(
            "method",
            "计分方法",
            v.method,
            help=_("How the indicator is scored: its Chinese name or its code."),
        ),
        Column(
            "aggregation",
            "汇总方式",
            v.aggregation,
            optional=True,
            default=AggregationChoices.SUM,
            help=_("How the year's records add up; blank: 累计求和 (sum)."),
        ),
        Column(
            "cap",
            "封顶系数",
            v.share,
            optional=True,
            default=Decimal(1),
            help=_("Upper bound of the completion ratio, at least 1; blank: 1."),
        ),
        Column(
            "total_share",
            "总量占比",
            v.share,
            optional=True,
            default=Decimal("0.5"),
            help=_(
                "Increment method only: the weight of the total, 0 to 1 or a percentage; "
                "blank: 0.5."
            ),
        ),
        Column(
            "step",
            "名次步长",
            v.points,
            optional=True,
            help=_("City ranking only: points lost per place; blank: points ÷ ranked."),
        ),
        Column(
            "lead_unit",
            "牵头单位代码",
            v.text,
            optional=True,
            help=_("The code of the lead department; blank: none."),
        ),
        Column(
            "source_unit",
            "数据来源单位",
            v.text,
            optional=True,
            help=_(
                "The code of the data source unit whose figures count for every unit "
                "(一数一源, quantitative methods only); blank: each unit records its own."
            ),
        ),
    ),
    identity=("year", "category", "code"),
    fields={
        "code": "code",
        "name": "name",
        "group": "group",
        "points": "points",
        "method": "method",
        "aggregation": "aggregation",
        "cap": "cap",
        "total_share": "total_share",
        "step": "step",
        "lead_unit": "lead_unit",
        "source_unit": "source_unit",
    },
    action=Action.EDIT_SCHEME,
    permissions=("assessment.add_indicator", "assessment.change_indicator"),
    resolve=scheme.resolve_indicators,
    existing=scheme.existing_indicators,
    write=scheme.write_indicators,
)

_PERIOD_TARGET_FIELDS = {"value": "target", "share": "target"}

TARGETS = Kind(
    name="targets",
    label=_("targets"),
    columns=(
        _year(),
        _unit(),
        _indicator(),
        Column(
            "period",
            "期间",
            v.text,
            optional=True,
            help=_(
                "Blank: the year's target. A reporting period of the year (e.g. Q2, as the "
                "year's periods are named): the cumulative target by the period's end."
            ),
        ),
        # Left empty, a target is still missing: computing lists it (as the targets form does).
        Column(
            "target",
            "目标值",
            v.target,
            default=None,
            help=_(
                "The target, a number; blank: still missing. On a period's row, the cumulative "
                "target: a number, or a share of the year's target such as 45%."
            ),
        ),
        Column(
            "base",
            "基数",
            v.amount,
            optional=True,
            help=_("The base, a number: needed by the increment and base-ratio methods."),
        ),
        Column(
            "leader",
            "责任领导",
            v.text,
            optional=True,
            help=_("The name of the responsible cadre, a cadre of the unit."),
        ),
    ),
    identity=("year", "unit", "indicator", "period"),
    # a period's row writes the period target's value or share from the target column
    fields={"target": "target", "base": "base", "leader": "leader", **_PERIOD_TARGET_FIELDS},
    action=Action.EDIT_TARGETS,
    permissions=("assessment.add_target", "assessment.change_target"),
    resolve=scheme.resolve_targets,
    existing=scheme.existing_targets,
    write=scheme.write_targets,
)

EVIDENCE = Kind(
    name="evidence",
    label=_("evidence records"),
    columns=(
        _unit(),
        _indicator(),
        Column(
            "date", "日期", v.date, help=_("The date of the record: an Excel date or YYYY-MM-DD.")
        ),
        Column(
            "value",
            "数值",
            v.points,
            help=_("The value recorded, a number (points for bonus and deduction items)."),
        ),  # 分 is refused later except for bonus/deduction
        Column(
            "description",
            "说明",
            v.free_text,
            help=_(
                "What the record is about; with the unit, indicator and date it identifies "
                "the record."
            ),
        ),
        Column(
            "status",
            "状态",
            v.status,
            optional=True,
            default=EvidenceStatus.PENDING,
            help=_("Verified (已核实) or pending (待核实); blank: pending."),
        ),
        Column(
            "item",
            "事项代码",
            v.text,
            optional=True,
            help=_(
                "On an indicator with catalogued items: the item's code (required there; the "
                "value is then the number of times). Elsewhere leave it blank."
            ),
        ),
        Column(
            "document",
            "文号",
            v.free_text,
            optional=True,
            help=_("The number of the document that proves the record, e.g. 省政发〔2026〕12号."),
        ),
    ),
    identity=("unit", "indicator", "date", "description"),
    fields={
        "date": "date",
        "value": "value",
        "description": "description",
        "status": "status",
        "item": "item",
        "document": "document",
    },
    action=Action.RECORD_EVIDENCE,
    permissions=("assessment.add_evidence",),
    resolve=records.resolve_evidence,
    existing=records.existing_evidence,
    write=records.write_evidence,
    rules=evidence_rules,
)

ITEMS = Kind(
    name="items",
    label=_("catalogued items"),
    columns=(
        _year(),
        _category(),
        Column(
            "indicator",
            "指标代码",
            v.text,
            help=_("The code of the bonus or deduction indicator the item belongs to."),
        ),
        Column(
            "code",
            "事项代码",
            v.text,
            help=_("The item's code (letters, digits, '-' or '_'), e.g. P1; a new code adds one."),
        ),
        Column("name", "事项名称", v.free_text, help=_("The item's name, e.g. 省级表彰.")),
        Column(
            "points",
            "每次分值",
            v.points,
            help=_("The points of one occurrence, above 0, e.g. 1 (a trailing 分 is allowed)."),
        ),
        Column(
            "level",
            "级别",
            v.level,
            optional=True,
            default="",
            help=_("国家级, 省级, 市级 or 区级; blank: none."),
        ),
        Column(
            "cap",
            "事项上限",
            v.points,
            optional=True,
            help=_("The most a unit can gain or lose from the item in the year; blank: no cap."),
        ),
    ),
    identity=("year", "category", "indicator", "code"),
    fields={"name": "name", "level": "level", "points": "points", "cap": "cap"},
    action=Action.EDIT_SCHEME,
    permissions=("assessment.add_item", "assessment.change_item"),
    resolve=catalogue.resolve_items,
    existing=catalogue.existing_items,
    write=catalogue.write_items,
)


# The scoring method of the indicators each assessment model answers.
_METHODS = {CityRank: MethodChoices.CITY_RANK, Grade: MethodChoices.GRADED}


def _assessed(
    name: str,
    label: str | Promise,
    model: type[CityRank] | type[Grade] | type[SurveyRate],
    *columns: Column,
    resolve: Callable[[list[ParsedRow], Context], None] | None = None,
) -> Kind:
    """A kind of the office's assessments of units on the year's indicators: one row per year,
    unit and indicator, whose ``columns`` are the model's fields of the same names. ``resolve``
    defaults to accepting indicators of the model's scoring method."""
    keys = tuple(column.key for column in columns)
    codename = model._meta.model_name
    return Kind(
        name=name,
        label=label,
        columns=(_year(), _unit(), _indicator(), *columns),
        identity=("year", "unit", "indicator"),
        fields={key: key for key in keys},
        action=Action.ENTER_ASSESSMENTS,
        permissions=(f"assessment.add_{codename}", f"assessment.change_{codename}"),
        resolve=resolve or records.assessment_resolver(model, _METHODS[model], keys),
        existing=records.pair_existing(model),
        write=records.write_plain,
    )


_RANK_HELP = _("The unit's place in the city ranking: a whole number from 1.")
CITY_RANKS = _assessed(
    "city_ranks",
    _("city ranks"),
    CityRank,
    Column("rank", "名次", v.whole, help=_RANK_HELP),
    Column("total", "参评总数", v.whole, help=_("How many were ranked: a whole number.")),
)
GRADES = _assessed(
    "grades",
    _("grades"),
    Grade,
    Column("grade", "等级", v.grade, help=_("The grade: A, B, C or D.")),
)
# A rate in [0, 1] or a percentage up to 100, stored as given; "85%" is the rate 0.85. A rate a
# satisfaction survey gave is refused (see ``resolve_surveys``).
SURVEYS = _assessed(
    "surveys",
    _("survey rates"),
    SurveyRate,
    Column("rate", "得分率", v.share, help=_("The rate: 0 to 1, or a percentage such as 85%.")),
    resolve=records.resolve_surveys,
)

EVALUATIONS = Kind(
    name="evaluations",
    label=_("team and cadre evaluations"),
    columns=(
        _year(),
        _unit(),
        Column(
            "cadre",
            "干部姓名",
            v.text,
            optional=True,
            help=_("The cadre's name for a personal evaluation; blank: the leadership team's."),
        ),
        Column("score", "测评得分", v.points, help=_("The evaluation score, 0 to 100.")),
    ),
    identity=("year", "unit", "cadre"),
    fields={"score": "score"},
    action=Action.ENTER_ASSESSMENTS,
    permissions=(
        "assessment.add_teamevaluation",
        "assessment.change_teamevaluation",
        "assessment.add_cadreevaluation",
        "assessment.change_cadreevaluation",
    ),
    resolve=records.resolve_evaluations,
    existing=records.existing_evaluations,
    write=records.write_plain,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        UNITS,
        CADRES,
        INDICATORS,
        TARGETS,
        ITEMS,
        EVIDENCE,
        CITY_RANKS,
        GRADES,
        SURVEYS,
        EVALUATIONS,
    )
}
