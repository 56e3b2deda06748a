"""What ballot codes and survey codes share: a batch made at one time (voidable, with who made
and who voided it) and a one-time code kept only as its keyed digest (``assessment.lib.codes``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CodeBatchBase(models.Model):
    """Codes made at one time; they exist only on the slips printed then. A lost batch is
    voided: its unused codes stop working."""

    size = models.PositiveSmallIntegerField(_("number of codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )

    class Meta:
        abstract = True


class OneTimeCodeBase(models.Model):
    """One code of a batch (``batch`` is the concrete model's), kept only as its digest;
    ``used_on`` is set when it is used, and never unset (a database trigger refuses)."""

    serial = models.PositiveIntegerField(_("slip number"))
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    used_on = models.DateField(_("used on"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return gettext("No. %(serial)s") % {"serial": self.serial}
