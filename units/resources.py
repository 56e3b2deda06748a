"""Column mapping of the ``units`` and ``cadres`` workbooks (spec/workbooks.md), for export.

Imports go through ``assessment.imports``, the one import layer of every door; these
resources only write the workbooks, with the headers and values an import reads back (a
category and a parent unit by their codes, a cadre's unit by its code).
"""

from __future__ import annotations

from import_export import fields, resources, widgets

from units.models import Cadre, Unit, UnitCategory


class UnitResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="单位代码")
    name = fields.Field(attribute="name", column_name="单位名称")
    category = fields.Field(
        attribute="category",
        column_name="单位类别",
        widget=widgets.ForeignKeyWidget(UnitCategory, field="code"),
    )
    headcount = fields.Field(
        attribute="headcount",
        column_name="编制人数",
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )
    parent = fields.Field(
        attribute="parent",
        column_name="上级单位代码",
        widget=widgets.ForeignKeyWidget(Unit, field="code"),
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "category", "headcount", "parent")
        export_order = fields


class CadreResource(resources.ModelResource):
    unit = fields.Field(
        attribute="unit",
        column_name="单位代码",
        widget=widgets.ForeignKeyWidget(Unit, field="code"),
    )
    name = fields.Field(attribute="name", column_name="姓名")
    position = fields.Field(attribute="position", column_name="职务")
    rank_kind = fields.Field(attribute="rank_kind", column_name="正副职")

    class Meta:
        model = Cadre
        fields = ("unit", "name", "position", "rank_kind")
        export_order = fields
