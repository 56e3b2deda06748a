"""Column mapping of the workbooks for django-import-export's admin export, nothing more.

Every column is headed by its column of the import kind (``assessment.imports.KINDS``), so an
exported file can be edited and imported again (through ``assessment.imports``, the one import
layer of every door) and a header is written in one place only.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models
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
    Item,
    PeriodTarget,
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


def _path(model: type[models.Model], key: str) -> str | None:
    """Where the column ``key`` reads a row of ``model``: its field of that name, a related row
    by its code (or, having none, its year or name), the year of the row's indicator; None where
    the model has no such column (a team's evaluation names no cadre)."""
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return f"indicator__{_path(Indicator, key)}" if key == "year" else None
    if field.related_model is None:
        return key
    related = cast("type[models.Model]", field.related_model)
    names = {f.name for f in related._meta.get_fields()}
    return f"{key}__{next(n for n in ('code', 'year', 'name') if n in names)}"


def _widget(model: type[models.Model], path: str) -> widgets.Widget | None:
    """Numbers and dates stay typed cells: the widget of the field at the end of ``path``."""
    *relations, name = path.split("__")
    for relation in relations:
        model = cast("type[models.Model]", model._meta.get_field(relation).related_model)
    field = model._meta.get_field(name)
    if isinstance(field, models.DateField):
        return widgets.DateWidget("%Y-%m-%d", coerce_to_string=False)
    if isinstance(field, models.DecimalField):
        return _NUMBER
    return _WHOLE if isinstance(field, models.IntegerField) else None


def _export(
    kind: str,
    model: type[models.Model],
    base: type[ExportResource] = ExportResource,
    blank: tuple[str, ...] = (),
    **paths: str,
) -> type[ExportResource]:
    """The export of ``model`` as the workbook ``kind``: the kind's columns in its order, each
    read where ``_path`` says unless ``paths`` says otherwise; the ``blank`` ones left empty."""
    columns = {}
    for column in KINDS[kind].columns:
        if column.key in blank:
            columns[column.key] = fields.Field(column_name=column.header, readonly=True)
            continue
        path = paths.get(column.key) or _path(model, column.key)
        if path is not None:
            columns[column.key] = _field(kind, column.key, path, _widget(model, path))
    meta = type("Meta", (), {"model": model, "fields": tuple(columns)})
    return type(f"{model.__name__}Export", (base,), {**columns, "Meta": meta})


class _CurrentEvidence(ExportResource):
    class Meta:
        abstract = True

    def filter_export(self, queryset: QuerySet[Evidence], **kwargs: Any) -> QuerySet[Evidence]:
        """Only what the workbook can hold, so that the file imports back unchanged.

        A superseded record shares its identity (unit, indicator, date, description) with the
        correction that replaced it: both in one file are a duplicate. A rejected record has a
        status no import accepts (only 已核实 and 待核实). Both stay in the admin and its history.
        """
        return queryset.filter(is_current=True).exclude(status=EvidenceStatus.REJECTED)


IndicatorExport = _export("indicators", Indicator)
TargetExport = _export("targets", Target, blank=("period",))  # the year's targets: no period


class _PeriodTargets(ExportResource):
    class Meta:
        abstract = True

    def dehydrate_target(self, row: PeriodTarget) -> Decimal | str | None:
        """The 目标值 cell as the workbook takes it: a share as "45%", a figure as a number."""
        if row.share is not None:
            return f"{format((row.share * 100).normalize(), 'f')}%"
        return row.value


# A period's rows of the same workbook: 期间 named, 目标值 written by ``dehydrate_target``, and
# no base or leader (they belong to the year's row).
PeriodTargetExport = _export(
    "targets",
    PeriodTarget,
    _PeriodTargets,
    blank=("target", "base", "leader"),
    period="period__name",
)
ItemExport = _export("items", Item, category="indicator__category__code")
EvidenceExport = _export("evidence", Evidence, _CurrentEvidence)
CityRankExport = _export("city_ranks", CityRank)
GradeExport = _export("grades", Grade)
SurveyExport = _export("surveys", SurveyRate)
TeamEvaluationExport = _export("evaluations", TeamEvaluation)
CadreEvaluationExport = _export("evaluations", CadreEvaluation, unit="cadre__unit__code")
