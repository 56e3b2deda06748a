"""The deadlines page's form: one row per phase, all saved at once (``deadlines_save``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from assessment.forms.base import DistrictForm, choice_field
from assessment.models import AssessmentYear
from assessment.services.concurrency import STATE_FIELD
from reports.models import DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS, Phase, PhaseDeadline
from reports.reminders.items import PHASE_LABELS, Actor, Reminder
from reports.reminders.services import DeadlineValues


class DeadlineForm(DistrictForm):
    """One phase's deadline; an empty date (or day, for monthly reporting) means none."""

    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the following month"),
        required=False,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    first_month = forms.TypedChoiceField(
        label=_("From the month"),
        choices=list(MONTHS.items()),
        coerce=int,
        initial=1,
        required=False,
    )
    notice_days = forms.IntegerField(
        label=_("Days of notice"),
        initial=DEFAULT_NOTICE_DAYS,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_NOTICE_DAYS)],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(
        self, *args: Any, phase: str, deadline: PhaseDeadline | None, **kwargs: Any
    ) -> None:
        self.phase = phase
        self.deadline = deadline
        if deadline is not None:
            kwargs.setdefault(
                "initial",
                {
                    "due_on": deadline.due_on,
                    "day_of_month": deadline.day_of_month,
                    "first_month": deadline.first_month,
                    "notice_days": deadline.notice_days,
                    "note": deadline.note,
                },
            )
        kwargs["prefix"] = phase
        super().__init__(*args, **kwargs)
        if self.is_monthly:
            del self.fields["due_on"]
        else:
            del self.fields["day_of_month"]
            del self.fields["first_month"]

    @property
    def is_monthly(self) -> bool:
        return self.phase == Phase.MONTHLY

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    def values(self) -> DeadlineValues | None:
        """The phase's deadline as entered, or None for none (only once valid)."""
        data = self.cleaned_data
        when = data.get("day_of_month") if self.is_monthly else data.get("due_on")
        if when is None:
            return None
        notice = data.get("notice_days")
        return DeadlineValues(
            due_on=data.get("due_on"),
            day_of_month=data.get("day_of_month"),
            first_month=data.get("first_month") or 1,
            notice_days=DEFAULT_NOTICE_DAYS if notice is None else notice,
            note=data.get("note", "").strip(),
        )


class DeadlinesForm:
    """The rows of every phase, and the digest of the deadlines the page was opened on."""

    def __init__(
        self,
        data: Any = None,
        *,
        year: AssessmentYear,
        deadlines: dict[str, PhaseDeadline],
        state: str,
    ) -> None:
        self.rows = []
        for phase in Phase:
            deadline = deadlines.get(phase)
            row = DeadlineForm(data, phase=phase, deadline=deadline)
            if deadline is None and phase == Phase.PUBLICITY and year.publicity_ends_on:
                row.initial["due_on"] = year.publicity_ends_on  # the year's own end, by default
            self.rows.append(row)
        # A bound form keeps the digest it was sent: a refused save stays refused until reopened.
        self.state = data.get(STATE_FIELD, "") if data is not None else state

    def is_valid(self) -> bool:
        return all(row.is_valid() for row in self.rows)

    def values(self) -> dict[str, DeadlineValues | None]:
        return {row.phase: row.values() for row in self.rows}

    def add_errors(self, error: ValidationError) -> list[str]:
        """Put the service's errors on their rows; return those that belong to no row."""
        rows = {row.phase: row for row in self.rows}
        if not hasattr(error, "error_dict"):
            return list(error.messages)
        general = []
        for phase, errors in error.message_dict.items():
            if phase in rows:
                for message in errors:
                    rows[phase].add_error(None, message)
            else:
                general += errors
        return general


class ReminderFilterForm(DistrictForm):
    """The reminders page's filters (GET); one that does not parse is ignored."""

    phase = forms.ChoiceField(label=_("Phase"), required=False)
    actor = forms.ChoiceField(label=_("Who acts"), required=False)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Overdue and due soon")),
            ("overdue", _("Overdue")),
            ("due_soon", _("Due soon")),
        ],
    )
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "phase").choices = [
            ("", _("All phases")),
            *PHASE_LABELS.items(),
        ]
        choice_field(self, "actor").choices = [
            ("", _("Everyone")),
            (Actor.OFFICE.value, _("Assessment office")),
            (Actor.LEAD.value, _("Lead departments")),
            (Actor.UNIT.value, _("Units")),
            (Actor.LEADER.value, _("District leaders")),
        ]

    def apply(self, items: list[Reminder]) -> list[Reminder]:
        data = self.cleaned_data if self.is_valid() else {}
        if phase := data.get("phase"):
            items = [item for item in items if item.phase == phase]
        if actor := data.get("actor"):
            items = [item for item in items if item.actor == actor]
        if state := data.get("state"):
            items = [item for item in items if item.is_overdue == (state == "overdue")]
        if unit := (data.get("unit") or "").strip():
            items = [item for item in items if item.matches(unit)]
        return items
