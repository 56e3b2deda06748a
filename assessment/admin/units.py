"""Units and cadres are imported and exported through this app's workbook layer, like every
door: their admins gain its import button and the workbook export here, so that the ``units``
app needs nothing from above it."""

from django.contrib import admin
from import_export.admin import ExportMixin

from assessment.admin.imports import WorkbookImportMixin
from assessment.admin.resources import CadreResource, UnitResource
from units.admin import CadreAdmin, UnitAdmin
from units.models import Cadre, Unit
from units.xlsx import SafeXLSX


class UnitImportAdmin(WorkbookImportMixin, ExportMixin, UnitAdmin):
    import_kind = "units"
    resource_classes = [UnitResource]  # export only: imports go through the workbook layer
    export_formats = [SafeXLSX]  # the workbooks of spec/workbooks.md


class CadreImportAdmin(WorkbookImportMixin, ExportMixin, CadreAdmin):
    import_kind = "cadres"
    resource_classes = [CadreResource]
    export_formats = [SafeXLSX]


for model, model_admin in ((Unit, UnitImportAdmin), (Cadre, CadreImportAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
