"""The four unit categories every district starts with (spec/scoring.md, "Who is compared")."""

from django.db import migrations

DEFAULT_CATEGORIES = [
    ("town", "镇街", 10),
    ("economic", "经济部门", 20),
    ("management", "综合管理部门", 30),
    ("social", "社会事业部门", 40),
]


def create_categories(apps, schema_editor):
    UnitCategory = apps.get_model("units", "UnitCategory")
    for code, name, order in DEFAULT_CATEGORIES:
        UnitCategory.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )


def remove_categories(apps, schema_editor):
    UnitCategory = apps.get_model("units", "UnitCategory")
    UnitCategory.objects.filter(
        code__in=[code for code, _name, _order in DEFAULT_CATEGORIES], units__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
