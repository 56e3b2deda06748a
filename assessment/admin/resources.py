"""Column mapping of the workbooks for django-import-export's admin export, nothing more.

Every column is headed by its column of the import kind (``assessment.imports.KINDS``), so an
exported file can be edited and imported again (through ``assessment.imports``, the one import
layer of every door) and a header is written in one place only.
"""

from collections.abc import Sequence
from typing import Any, cast

from django.db.models import QuerySet
from import_export import fields, resources, widgets

from assessment.imports import KINDS
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
from units.models import Cadre, Unit, UnitCategory

_WHOLE = widgets.IntegerWidget(coerce_to_string=False)  # numbers stay numeric cells
_NUMBER = widgets.DecimalWidget(coerce_to_string=False)


def _header(kind: str, key: str) -> str:
    return KINDS[kind].column(key).header


def _field(
    kind: str, key: str, attribute: str, widget: widgets.Widget | None = None
) -> fields.Field:
    """The read-only export of ``attribute`` as the column ``key`` of the workbook ``kind``."""
    return fields.Field(
        attribute=attribute, column_name=_header(kind, key), widget=widget, readonly=True
    )


# --- units and cadres: a category, a parent unit and a cadre's unit by their codes -----------


class UnitResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name=_header("units", "code"))
    name = fields.Field(attribute="name", column_name=_header("units", "name"))
    category = fields.Field(
        attribute="category",
        column_name=_header("units", "category"),
        widget=widgets.ForeignKeyWidget(UnitCategory, field="code"),
    )
    headcount = fields.Field(
        attribute="headcount",
        column_name=_header("units", "headcount"),
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    parent = fields.Field(
        attribute="parent",
        column_name=_header("units", "parent"),
        widget=widgets.ForeignKeyWidget(Unit, field="code"),
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "category", "headcount", "parent")
        export_order = fields


class CadreResource(resources.ModelResource):
    unit = fields.Field(
        attribute="unit",
        column_name=_header("cadres", "unit"),
        widget=widgets.ForeignKeyWidget(Unit, field="code"),
    )
    name = fields.Field(attribute="name", column_name=_header("cadres", "name"))
    position = fields.Field(attribute="position", column_name=_header("cadres", "position"))
    rank_kind = fields.Field(attribute="rank_kind", column_name=_header("cadres", "rank_kind"))

    class Meta:
        model = Cadre
        fields = ("unit", "name", "position", "rank_kind")
        export_order = fields


# --- the assessment's workbooks ---------------------------------------------------------------


class ExportResource(resources.ModelResource):
    class Meta:
        abstract = True

    def get_export_headers(self, selected_fields: Sequence[str] | None = None) -> list[str]:
        # Every column is named: by ``_field``'s header, or after its model field.
        return [cast(str, field.column_name) for field in self.get_export_fields(selected_fields)]


class IndicatorExport(ExportResource):
    year = _field("indicators", "year", "year__year", _WHOLE)
    category = _field("indicators", "category", "category__code")
    code = _field("indicators", "code", "code")
    name = _field("indicators", "name", "name")
    group = _field("indicators", "group", "group")
    points = _field("indicators", "points", "points", _NUMBER)
    method = _field("indicators", "method", "method")
    aggregation = _field("indicators", "aggregation", "aggregation")
    cap = _field("indicators", "cap", "cap", _NUMBER)
    total_share = _field("indicators", "total_share", "total_share", _NUMBER)
    step = _field("indicators", "step", "step", _NUMBER)
    lead_unit = _field("indicators", "lead_unit", "lead_unit__code")

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
    year = _field("targets", "year", "indicator__year__year", _WHOLE)
    unit = _field("targets", "unit", "unit__code")
    indicator = _field("targets", "indicator", "indicator__code")
    target = _field("targets", "target", "target", _NUMBER)
    base = _field("targets", "base", "base", _NUMBER)
    leader = _field("targets", "leader", "leader__name")

    class Meta:
        model = Target
        fields = ("year", "unit", "indicator", "target", "base", "leader")


class EvidenceExport(ExportResource):
    unit = _field("evidence", "unit", "unit__code")
    indicator = _field("evidence", "indicator", "indicator__code")
    date = _field(
        "evidence", "date", "date", widgets.DateWidget("%Y-%m-%d", coerce_to_string=False)
    )
    value = _field("evidence", "value", "value", _NUMBER)
    description = _field("evidence", "description", "description")
    status = _field("evidence", "status", "status")

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
    year = _field("city_ranks", "year", "indicator__year__year", _WHOLE)
    unit = _field("city_ranks", "unit", "unit__code")
    indicator = _field("city_ranks", "indicator", "indicator__code")
    rank = _field("city_ranks", "rank", "rank", _WHOLE)
    total = _field("city_ranks", "total", "total", _WHOLE)

    class Meta:
        model = CityRank
        fields = ("year", "unit", "indicator", "rank", "total")


class GradeExport(ExportResource):
    year = _field("grades", "year", "indicator__year__year", _WHOLE)
    unit = _field("grades", "unit", "unit__code")
    indicator = _field("grades", "indicator", "indicator__code")
    grade = _field("grades", "grade", "grade")

    class Meta:
        model = Grade
        fields = ("year", "unit", "indicator", "grade")


class SurveyExport(ExportResource):
    year = _field("surveys", "year", "indicator__year__year", _WHOLE)
    unit = _field("surveys", "unit", "unit__code")
    indicator = _field("surveys", "indicator", "indicator__code")
    rate = _field("surveys", "rate", "rate", _NUMBER)

    class Meta:
        model = SurveyRate
        fields = ("year", "unit", "indicator", "rate")


class TeamEvaluationExport(ExportResource):
    year = _field("evaluations", "year", "year__year", _WHOLE)
    unit = _field("evaluations", "unit", "unit__code")
    score = _field("evaluations", "score", "score", _NUMBER)

    class Meta:
        model = TeamEvaluation
        fields = ("year", "unit", "score")


class CadreEvaluationExport(ExportResource):
    year = _field("evaluations", "year", "year__year", _WHOLE)
    unit = _field("evaluations", "unit", "cadre__unit__code")
    cadre = _field("evaluations", "cadre", "cadre__name")
    score = _field("evaluations", "score", "score", _NUMBER)

    class Meta:
        model = CadreEvaluation
        fields = ("year", "unit", "cadre", "score")
