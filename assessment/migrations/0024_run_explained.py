"""What every unit's explanation of an indicator shares is stored once, on the run; and on
PostgreSQL a unit result's explanations and scores are compressed with lz4.

A city's computation writes 1,000 unit results of about 3 KB of explanations each. PostgreSQL
compresses a row that large before storing it, by default with pglz; lz4 (PostgreSQL 14 and
later, where the server was built with it, as Debian's is) does the same in a fraction of the
time, so a computation waits less for the server. A server without lz4 keeps pglz.
"""

from django.db import DatabaseError, migrations, models, transaction

COMPRESSED = ("details", "scores")


def compress_with_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    quote = schema_editor.quote_name
    table = quote(apps.get_model("assessment", "UnitResult")._meta.db_table)
    columns = ", ".join(f"ALTER COLUMN {quote(c)} SET COMPRESSION lz4" for c in COMPRESSED)
    try:
        with transaction.atomic(using=connection.alias):  # a savepoint: a refusal undoes only it
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} {columns}")
    except DatabaseError:
        pass  # built without lz4: pglz, as before


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0023_running_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="computationrun",
            name="explained",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="shared explanation numbers"
            ),
        ),
        migrations.RunPython(compress_with_lz4, migrations.RunPython.noop, elidable=False),
    ]
