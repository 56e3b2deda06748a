"""Column mapping of the ``units`` and ``cadres`` workbooks (spec/workbooks.md), nothing more."""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from units.cells import clean_text, header_key, parse_whole_number
from units.models import Cadre, Unit, UnitCategory


class WorkbookResource(resources.ModelResource):
    """A resource whose headers may be the Chinese name or the English alias of a column.

    ``aliases`` maps each column's Chinese header (its ``column_name``) to its English alias;
    ``optional`` lists the columns a file may leave out.
    """

    aliases: dict[str, str] = {}
    optional: frozenset[str] = frozenset()

    def import_data(self, dataset, **kwargs):  # type: ignore[no-untyped-def]
        # All or nothing (spec/workbooks.md, rule 2): one bad row means nothing is written.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):  # type: ignore[no-untyped-def]
        super().before_import(dataset, **kwargs)
        canonical = {}
        for chinese, alias in self.aliases.items():
            canonical[header_key(chinese)] = chinese
            canonical[header_key(alias)] = chinese
        headers = [clean_text(header) for header in dataset.headers or []]
        unknown = [h for h in headers if h and header_key(h) not in canonical]
        if unknown:
            raise ValueError(
                _("Unknown columns: %(columns)s. Expected: %(expected)s.")
                % {"columns": "、".join(unknown), "expected": self._expected()}
            )
        renamed = [canonical.get(header_key(h), h) for h in headers]
        duplicated = sorted({h for h in renamed if h and renamed.count(h) > 1})
        if duplicated:
            raise ValueError(
                _("Columns given twice: %(columns)s.") % {"columns": "、".join(duplicated)}
            )
        missing = [c for c in self.aliases if c not in renamed and c not in self.optional]
        if missing:
            raise ValueError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        dataset.headers = renamed

    def _expected(self) -> str:
        return "、".join(f"{chinese} / {alias}" for chinese, alias in self.aliases.items())


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
        number = parse_whole_number(value)
        if number is not None and number < 0:
            raise ValueError(_("“%(value)s” must not be negative.") % {"value": value})
        return number


class CodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
        return clean_text(value)


class CategoryWidget(widgets.ForeignKeyWidget):
    """A category by its code (``town``) or its Chinese name (镇街)."""

    def __init__(self) -> None:
        super().__init__(UnitCategory, field="code")

    def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
        text = clean_text(value)
        if not text:
            return None
        for category in UnitCategory.objects.all():
            if text.casefold() == category.code.casefold() or text == category.name:
                return category
        names = "、".join(f"{c.code} {c.name}" for c in UnitCategory.objects.all())
        raise ValueError(
            _("Unknown unit category “%(value)s”. Known: %(known)s.")
            % {"value": text, "known": names}
        )


class UnitCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Unit, field="code")

    def clean(self, value, row=None, **kwargs):  # type: ignore[no-untyped-def]
        code = clean_text(value)
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ValueError(_("Unknown unit code “%(value)s”.") % {"value": code})
        return unit


class UnitResource(WorkbookResource):
    aliases = {
        "单位代码": "code",
        "单位名称": "name",
        "单位类别": "category",
        "编制人数": "headcount",
        "上级单位代码": "parent",
    }
    optional = frozenset({"上级单位代码"})

    code = fields.Field(attribute="code", column_name="单位代码", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="单位名称", widget=CodeWidget())
    category = fields.Field(attribute="category", column_name="单位类别", widget=CategoryWidget())
    headcount = fields.Field(
        attribute="headcount", column_name="编制人数", widget=WholeNumberWidget()
    )
    parent = fields.Field(attribute="parent", column_name="上级单位代码", widget=UnitCodeWidget())

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "category", "headcount", "parent")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class CadreResource(WorkbookResource):
    aliases = {"单位代码": "unit", "姓名": "name", "职务": "position", "正副职": "rank_kind"}
    optional = frozenset({"正副职"})

    unit = fields.Field(attribute="unit", column_name="单位代码", widget=UnitCodeWidget())
    name = fields.Field(attribute="name", column_name="姓名", widget=CodeWidget())
    position = fields.Field(attribute="position", column_name="职务", widget=CodeWidget())
    rank_kind = fields.Field(
        attribute="rank_kind", column_name="正副职", widget=widgets.CharWidget()
    )

    class Meta:
        model = Cadre
        import_id_fields = ("unit", "name")
        fields = ("unit", "name", "position", "rank_kind")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):  # type: ignore[no-untyped-def]
        kind = clean_text(row.get("正副职"))
        known = {
            "principal": "principal",
            "正职": "principal",
            "deputy": "deputy",
            "副职": "deputy",
        }
        if not kind:
            row["正副职"] = Cadre.RankKind.DEPUTY
        elif kind.casefold() in known:
            row["正副职"] = known[kind.casefold()]
        else:
            raise ValueError(
                _("“%(value)s” is neither principal (正职) nor deputy (副职).") % {"value": kind}
            )
