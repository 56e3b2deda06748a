"""A database guard under cast ballots: a ballot and its marks are never updated or deleted,
and a used code is never made usable again (``assessment.lib.db_guards``; the models refuse the
same through the ORM)."""

from django.db import migrations

from assessment.lib.db_guards import guard_operation, used_once, written_once


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_evaluation_rounds")]

    operations = [
        guard_operation(
            written_once(
                "assessment_ballot_immutable",
                ("assessment_ballot", "assessment_ballotmark"),
                "A cast ballot cannot be changed or deleted.",
            ),
            used_once("assessment_ballotcode", "A used ballot code cannot be changed."),
        )
    ]
