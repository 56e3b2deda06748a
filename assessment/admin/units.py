"""Units and cadres are imported through this app's workbook layer, like every door: their
admins gain its import button here, so that the ``units`` app needs nothing from above it."""

from django.contrib import admin

from assessment.admin.imports import WorkbookImportMixin
from units.admin import CadreAdmin, UnitAdmin
from units.models import Cadre, Unit


class UnitImportAdmin(WorkbookImportMixin, UnitAdmin):
    import_kind = "units"


class CadreImportAdmin(WorkbookImportMixin, CadreAdmin):
    import_kind = "cadres"


for model, model_admin in ((Unit, UnitImportAdmin), (Cadre, CadreImportAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
