"""Who is assessed: unit categories, units, their cadres, and which unit a user works for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    _("Use letters, digits, '-' or '_' only, starting with a letter or digit."),
)


class UnitCategory(models.Model):
    """A group of units compared with each other (镇街, 经济部门 …). Categories are data."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit category")
        verbose_name_plural = _("unit categories")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    """An assessed unit. Its code is the natural key used by every workbook."""

    code = models.CharField(_("unit code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("unit name"), max_length=100)
    category = models.ForeignKey(
        UnitCategory,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("unit category"),
    )
    headcount = models.PositiveIntegerField(
        _("headcount"), help_text=_("Authorised staff numbers (编制人数); weights the bonus.")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    is_active = models.BooleanField(
        pgettext_lazy("unit", "active"),
        default=True,
        help_text=_("A unit with records is deactivated instead of deleted."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["category__sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("units:unit_detail", args=[self.code])

    def clean(self) -> None:
        if self.parent_id is not None and self.pk is not None:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("A unit cannot be its own parent or ancestor.")}
                    )
                ancestor = ancestor.parent

    def unique_error_message(
        self, model_class: type[Unit], unique_check: Sequence[str]
    ) -> ValidationError:
        # Name the unit that already holds the code, so a clerk knows where to look.
        if model_class is Unit and tuple(unique_check) == ("code",):
            existing = Unit.objects.filter(code=self.code).exclude(pk=self.pk).first()
            if existing is not None:
                return ValidationError(
                    _("Unit code %(code)s is already used by %(name)s."),
                    code="unique",
                    params={"code": self.code, "name": existing.name},
                )
        return super().unique_error_message(model_class, unique_check)

    def has_records(self) -> bool:
        """Whether anything refers to this unit (cadres, users, targets, evidence …).

        Every relation to a unit is PROTECT, so this looks at all of them, including those that
        later apps add, instead of a list that would go stale.
        """
        for relation in self._meta.related_objects:
            if relation.one_to_many or relation.one_to_one:
                # A reverse relation's model is always a class (only a forward one can be "self").
                related_model = cast("type[models.Model]", relation.related_model)
                accessor = related_model._default_manager
                if accessor.filter(**{relation.field.name: self}).exists():
                    return True
        return False


class Cadre(models.Model):
    """A leading cadre (领导干部). A unit's active cadres form its leadership team."""

    class RankKind(models.TextChoices):
        PRINCIPAL = "principal", _("principal")
        DEPUTY = "deputy", _("deputy")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=100)
    rank_kind = models.CharField(
        _("principal or deputy"),
        max_length=16,
        choices=RankKind.choices,
        default=RankKind.DEPUTY,
    )
    is_active = models.BooleanField(pgettext_lazy("cadre", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "-rank_kind", "name"]  # principal before deputy
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="cadre_unique_name_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name} {self.position}）"


class Membership(models.Model):
    """Which unit a user works for. The assessment office and district leaders have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        unit = self.unit.name if self.unit else _("no unit")
        return f"{self.user.get_username()} @ {unit}"


class AuditSeal(models.Model):
    """One link of the audit history's hash chain: a history row's content hash, chained.

    Written only by ``units.audit`` (``seal_pending``), in the order rows were sealed: ``pk``
    is the sequence number, ``chain_hash = sha256(previous chain_hash + row_hash)``.
    ``manage.py verify_audit`` recomputes both from the history rows as they are now.
    """

    table = models.CharField(_("history table"), max_length=100)
    history_id = models.BigIntegerField(_("history row"))
    row_hash = models.CharField(_("row hash"), max_length=64)
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        # A row amended through the ORM (``update_change_reason``) is sealed again: not unique.
        indexes = [models.Index(fields=["table", "history_id"], name="audit_seal_row")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.table}:{self.history_id}"


class Submission(models.Model):
    """A form sent once: its one-time token, claimed in the transaction that does the work,
    and where that work led. The same form sent again (a double click, a retry after a dropped
    connection) is shown that result instead of doing the work twice."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    result_url = models.CharField(_("result"), max_length=500)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return str(self.token)
