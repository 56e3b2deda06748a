"""The evidence records waiting for a decision, indexed apart, oldest first.

The verification queue, its count and the pending figures of the workbench and reminders read
only pending, current records: a few thousand among a city's million. Without this index each
read scanned the whole table (a city's queue page: 0.6 s). The columns the queue filters on
follow the order's, so that PostgreSQL counts the queue from the index alone.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0024_run_explained"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(
                condition=models.Q(("is_current", True), ("status", "pending")),
                fields=["date", "id", "indicator", "unit", "recorded_by", "data_source"],
                name="evidence_pending",
            ),
        ),
    ]
