"""Publication snapshots and reports (issue 6).

``ProgressBulletin`` is the office's quarterly progress bulletin (季度讲评通报): where every unit
would stand if the year were scored on the verified evidence recorded so far. It is written
once, as a JSON document, and never changed, so the bulletins of a year can be compared with
each other later whatever happened to the data since. ``reports.staff.bulletins`` builds it.

The document (``format`` 1)::

    {
      "format": 1, "year": 2026, "quarter": 3, "as_of": "2026-09-30",
      "input_sha256": "<hex of the engine's inputs>",
      "categories": [
        {"code": "town", "name": "镇街", "average": "85.12", "projected": 12,
         "units": [{"unit": "ZJ01", "name": "城关街道", "total": "91.35", "rank": 1,
                    "tier": "excellent", "veto": false, "overdue": 0}, ...],
         "unprojected": [{"unit": "ZJ09", "name": "…", "overdue": 2,
                          "problems": [{"code": "missing_target", "unit": "ZJ09", ...}]}]},
        ...],
      "problems": [{"code": "invalid_param", "value": "thresholds"}],
      "warnings": [{"code": "missing_grade", "unit": "ZJ01", "indicator": "G01", ...}]
    }

Totals are 2-place decimal strings; ranks and tiers are within the category, among the units
that could be projected. Problems are stored as the engine's structured problems and worded
in the reader's language when shown.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models import AssessmentYear, document_sha256

BULLETIN_FORMAT = 1


class ProgressBulletin(models.Model):
    """One quarterly progress bulletin (季度讲评通报): written once, never changed or deleted."""

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="bulletins",
        verbose_name=_("year"),
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("1 to 4; leave empty for a bulletin dated by its day only."),
    )
    as_of = models.DateField(_("as of"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    document = models.JSONField(_("projected standings"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["year", "as_of", "created_at", "pk"]
        verbose_name = _("progress bulletin")
        verbose_name_plural = _("progress bulletins")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=models.Q(quarter__isnull=False),
                name="bulletin_one_per_quarter",
                violation_error_message=_("A bulletin for this quarter already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__gte=1, quarter__lte=4),
                name="bulletin_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        """Written once: a stored bulletin is never changed."""
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("A bulletin cannot be changed; make a new one."))
        self.sha256 = document_sha256(self.document)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError(_("A bulletin cannot be deleted."))

    @property
    def intact(self) -> bool:
        """Whether the stored document still hashes to the SHA-256 recorded with it."""
        return document_sha256(self.document) == self.sha256
