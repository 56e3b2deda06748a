"""Column mapping of the assessment workbooks for django-import-export, nothing more.

The columns and headers are those of spec/workbooks.md, so an exported file can be edited and
imported again (through ``assessment.imports``, the one import layer of every door).
"""

from collections.abc import Sequence
from typing import Any, cast

from django.db.models import QuerySet
from import_export import fields, resources, widgets

from assessment.models import (
    CadreEvaluation,
    CityRank,
    Evidence,
    EvidenceStatus,
    Grade,
    Indicator,
    SurveyRate,
    Target,
    TeamEvaluation,
)


def _field(attribute: str, header: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, widget=widget, readonly=True)


class ExportResource(resources.ModelResource):
    class Meta:
        abstract = True

    def get_export_headers(self, selected_fields: Sequence[str] | None = None) -> list[str]:
        # Every column is named: by ``_field``'s header, or after its model field.
        return [cast(str, field.column_name) for field in self.get_export_fields(selected_fields)]


class IndicatorExport(ExportResource):
    year = _field("year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    category = _field("category__code", "单位类别")
    code = _field("code", "指标代码")
    name = _field("name", "指标名称")
    group = _field("group", "指标分组")
    points = _field("points", "分值", widgets.DecimalWidget(coerce_to_string=False))
    method = _field("method", "计分方法")
    aggregation = _field("aggregation", "汇总方式")
    cap = _field("cap", "封顶系数", widgets.DecimalWidget(coerce_to_string=False))
    total_share = _field("total_share", "总量占比", widgets.DecimalWidget(coerce_to_string=False))
    step = _field("step", "名次步长", widgets.DecimalWidget(coerce_to_string=False))
    lead_unit = _field("lead_unit__code", "牵头单位代码")

    class Meta:
        model = Indicator
        fields = (
            "year",
            "category",
            "code",
            "name",
            "group",
            "points",
            "method",
            "aggregation",
            "cap",
            "total_share",
            "step",
            "lead_unit",
        )


class TargetExport(ExportResource):
    year = _field("indicator__year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("unit__code", "单位代码")
    indicator = _field("indicator__code", "指标代码")
    target = _field("target", "目标值", widgets.DecimalWidget(coerce_to_string=False))
    base = _field("base", "基数", widgets.DecimalWidget(coerce_to_string=False))
    leader = _field("leader__name", "责任领导")

    class Meta:
        model = Target
        fields = ("year", "unit", "indicator", "target", "base", "leader")


class EvidenceExport(ExportResource):
    unit = _field("unit__code", "单位代码")
    indicator = _field("indicator__code", "指标代码")
    date = _field("date", "日期", widgets.DateWidget("%Y-%m-%d", coerce_to_string=False))
    value = _field("value", "数值", widgets.DecimalWidget(coerce_to_string=False))
    description = _field("description", "说明")
    status = _field("status", "状态")

    class Meta:
        model = Evidence
        fields = ("unit", "indicator", "date", "value", "description", "status")

    def filter_export(self, queryset: QuerySet[Evidence], **kwargs: Any) -> QuerySet[Evidence]:
        """Only what the workbook can hold, so that the file imports back unchanged.

        A superseded record shares its identity (unit, indicator, date, description) with the
        correction that replaced it: both in one file are a duplicate. A rejected record has a
        status no import accepts (only 已核实 and 待核实). Both stay in the admin and its history.
        """
        return queryset.filter(is_current=True).exclude(status=EvidenceStatus.REJECTED)


class CityRankExport(ExportResource):
    year = _field("indicator__year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("unit__code", "单位代码")
    indicator = _field("indicator__code", "指标代码")
    rank = _field("rank", "名次", widgets.IntegerWidget(coerce_to_string=False))
    total = _field("total", "参评总数", widgets.IntegerWidget(coerce_to_string=False))

    class Meta:
        model = CityRank
        fields = ("year", "unit", "indicator", "rank", "total")


class GradeExport(ExportResource):
    year = _field("indicator__year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("unit__code", "单位代码")
    indicator = _field("indicator__code", "指标代码")
    grade = _field("grade", "等级")

    class Meta:
        model = Grade
        fields = ("year", "unit", "indicator", "grade")


class SurveyExport(ExportResource):
    year = _field("indicator__year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("unit__code", "单位代码")
    indicator = _field("indicator__code", "指标代码")
    rate = _field("rate", "得分率", widgets.DecimalWidget(coerce_to_string=False))

    class Meta:
        model = SurveyRate
        fields = ("year", "unit", "indicator", "rate")


class TeamEvaluationExport(ExportResource):
    year = _field("year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("unit__code", "单位代码")
    score = _field("score", "测评得分", widgets.DecimalWidget(coerce_to_string=False))

    class Meta:
        model = TeamEvaluation
        fields = ("year", "unit", "score")


class CadreEvaluationExport(ExportResource):
    year = _field("year__year", "年度", widgets.IntegerWidget(coerce_to_string=False))
    unit = _field("cadre__unit__code", "单位代码")
    cadre = _field("cadre__name", "干部姓名")
    score = _field("score", "测评得分", widgets.DecimalWidget(coerce_to_string=False))

    class Meta:
        model = CadreEvaluation
        fields = ("year", "unit", "cadre", "score")
