"""Published results: immutable, versioned snapshots of a year's results (公开发布).

Publishing a year stores its results as one JSON document with the SHA-256 of its canonical
form; the public pages and downloads read only these snapshots, never the live tables. A
correction after publication goes through a formal review (复核) that publishes a new version;
earlier versions stay, each with what changed since the one before.

The document (``format`` 1)::

    {
      "format": 1, "year": 2026, "version": 1, "published_at": "<ISO 8601>",
      "computed_at": "<ISO 8601>", "input_sha256": "<hex>", "bonus_pool": 5000000,
      "categories": [
        {"code": "town", "name": "镇街", "groups": ["经济发展", ...],
         "indicators": [{"code": "GDP", "name": "地区生产总值", "group": "经济发展",
                         "points": "20.00", "method": "completion", "measure": "亿元"}, ...]},
        ...],
      "units": [
        {"unit": "ZJ01", "name": "城关街道", "category": "town", "total": "91.35", "rank": 1,
         "tier": "excellent", "veto": false, "disqualified": false, "bonus": 312345,
         "group_totals": {"经济发展": "38.20", ...},
         "indicators": {"GDP": "18.40", ...},
         "explanations": {"GDP": {"method": "completion", "points": "20.00",
                                  "target": "500", "base": null, "actual": "460",
                                  "rank": null, "ranked": null, "grade": null, "rate": null,
                                  "text": "<the rule with these numbers, in words>"}, ...},
         "highlights": ["<title>", ...]},
        ...],
      "teams": [{"unit": "ZJ01", "evaluation": "88.00", "score": "90.57", "tier": "excellent"}],
      "cadres": [{"unit": "ZJ01", "name": "张三", "evaluation": "...", "contribution": "...",
                  "score": "...", "tier": "..."}]
    }

Scores and amounts are decimal strings as the spec rounds them. ``teams`` and ``cadres`` are
about persons: they are never shown on a public page nor in a public download.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models.results import ComputationRun
from assessment.models.years import AssessmentYear

DOCUMENT_FORMAT = 1


def document_sha256(document: dict) -> str:
    """The SHA-256 of the document's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class PublicationQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes would pass by ``Publication.save``/``delete``: refused too.

    Below the ORM, a database trigger refuses them as well (migration 0008).
    """

    def update(self, **kwargs: Any) -> NoReturn:
        raise ValidationError(_("A publication cannot be changed; publish a new version."))

    def delete(self) -> NoReturn:
        raise ValidationError(_("A publication cannot be deleted."))

    # Keeps the method off the manager, as Django does for its own QuerySet.delete.
    delete.queryset_only = True  # type: ignore[attr-defined]  # mypy cannot declare a function attribute


class Publication(models.Model):
    """One published version of a year's results: written once, never changed or deleted."""

    # Written once: sealed into the audit chain (``units.audit``) like a history row.
    audit_written_once = True

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("year"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    run = models.ForeignKey(
        ComputationRun,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("computation"),
    )
    # Set by ``publish`` to the moment written in the document (not auto_now_add, which would
    # differ from it by the time it takes to build the document).
    published_at = models.DateTimeField(_("published at"), default=timezone.now, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    document = models.JSONField(_("published results"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    early = models.BooleanField(
        _("published before the publicity period ended"),
        default=False,
        help_text=_("Confirmed explicitly by the person who published."),
    )
    reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("For a new version: the review that led to it (复核)."),
    )
    changes = models.JSONField(
        _("changes since the previous version"),
        default=list,
        blank=True,
        help_text=_('[{unit, indicator, before, after}] — indicator "total" for the total.'),
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["year", "-version"]
        get_latest_by = "version"
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="publication_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Written once: a stored publication is never changed."""
        if self.pk is not None or self._state.adding is False:
            raise ValidationError(_("A publication cannot be changed; publish a new version."))
        self.sha256 = document_sha256(self.document)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError(_("A publication cannot be deleted."))

    @property
    def intact(self) -> bool:
        """Whether the stored document still hashes to the SHA-256 recorded with it."""
        return document_sha256(self.document) == self.sha256
