"""What the demo seed reads once (units, cadres, reporters, the office) and how it writes: with
history, through the year's policy."""

from __future__ import annotations

import contextlib
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as AuthUser
from django.core.management.base import OutputWrapper
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from assessment.demo.scheme import (
    DEFAULT_SCHEME,
    OFFICE_USERNAME,
    SCHEMES,
    SEED_REASON,
    SUPERVISION_USERNAME,
    Item,
)
from assessment.lib.history import set_history_user
from assessment.models import (
    AssessmentYear,
    YearStatus,
)
from assessment.policy import transition_error
from units.audit import seal_pending
from units.models import Cadre, Membership, Unit, UnitCategory
from units.roles import GROUP_NAMES, Role

if TYPE_CHECKING:
    from assessment.demo.items import Catalogue

M = TypeVar("M", bound=models.Model)


@dataclass
class District:
    """What the seed reads once: units by category, their cadres, reporters and the office."""

    units: list[Unit]
    categories: dict[int, UnitCategory]
    cadres: dict[int, list[Cadre]]
    reporters: dict[int, AuthUser]  # unit id → user
    office: AuthUser
    supervision: AuthUser | None
    perf: dict[int, float] = field(default_factory=dict)
    quality: dict[int, float] = field(default_factory=dict)
    # the year's catalogues of bonus and deduction items, once seeded (``demo.items``)
    catalogue: Catalogue | None = None

    def scheme(self, unit: Unit) -> list[Item]:
        return scheme_for(self.categories[unit.category_id])


def scheme_for(category: UnitCategory) -> list[Item]:
    return SCHEMES.get(category.code, SCHEMES[DEFAULT_SCHEME])


def demo_users() -> tuple[AuthUser, AuthUser | None]:
    """The office and supervision accounts (created by ``units.demo.seed``, which runs first)."""
    User = get_user_model()
    office = User.objects.get(username=OFFICE_USERNAME)
    return office, User.objects.filter(username=SUPERVISION_USERNAME).first()


def read_district(rng: random.Random) -> District:
    units = list(Unit.objects.active().order_by("category__sort_order", "code"))
    cadres: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(is_active=True, unit__in=units).order_by(
        "unit__code", "-rank_kind", "id"
    ):
        cadres[cadre.unit_id].append(cadre)
    office, supervision = demo_users()  # first: the reporters may be among the accounts it makes
    memberships = Membership.objects.filter(
        unit__in=units, user__groups__name=GROUP_NAMES[Role.REPORTER], user__is_active=True
    ).select_related("user")
    reporters: dict[int, AuthUser] = {}
    for membership in memberships.order_by("user__username"):
        unit_id = cast(int, membership.unit_id)  # unit__in: never null
        reporters.setdefault(unit_id, membership.user)
    district = District(
        units=units,
        categories={c.pk: c for c in UnitCategory.objects.all()},
        cadres=cadres,
        reporters=reporters,
        office=office,
        supervision=supervision,
    )
    for unit in units:
        district.perf[unit.pk] = rng.uniform(0.82, 1.22)
        district.quality[unit.pk] = (district.perf[unit.pk] + rng.uniform(0.82, 1.22)) / 2
    return district


def new_year_district(year: int, stdout: OutputWrapper) -> tuple[random.Random, District] | None:
    """The random numbers and the district that seed ``year``, the same on every run; None, said
    on ``stdout``, where the year exists already or there is no unit to assess."""
    if AssessmentYear.objects.filter(year=year).exists():
        stdout.write(f"assessment year {year}: exists already, left as it is")
        return None
    rng = random.Random(year * 7 + 1)
    district = read_district(rng)
    if not district.units:
        stdout.write(f"assessment year {year}: no units to assess, not created")
        return None
    return rng, district


def move_year(year: AssessmentYear, to: YearStatus, district: District) -> None:
    error = transition_error(year, to)
    if error:
        raise RuntimeError(error)
    year.status = to
    set_history_user(year, district.office)
    year.save(update_fields=["status", "updated_at"])


class BulkWrite(Protocol):
    """``bulk_write``, handed to a seeder."""

    def __call__(self, model: type[M], rows: Sequence[M], district: District, /) -> list[M]: ...


@contextlib.contextmanager
def entry_times_kept(model: type[models.Model]) -> Iterator[None]:
    """Rows written keep the entry time the seed gives them (a record entered a day after its
    date, as a district's would be), not the moment of seeding: the demo is a year told after
    the fact. Rows given none are stamped now, as always."""
    stamp = cast(models.DateTimeField, model._meta.get_field("recorded_at"))
    stamp.auto_now_add = False
    try:
        yield
    finally:
        stamp.auto_now_add = True


def bulk_write(model: type[M], rows: Sequence[M], district: District) -> list[M]:
    if any(getattr(row, "recorded_at", None) is not None for row in rows):
        now = timezone.now()
        for row in rows:
            row.recorded_at = row.recorded_at or now  # type: ignore[attr-defined]
        with entry_times_kept(model):
            return _bulk_write(model, rows, district)
    return _bulk_write(model, rows, district)


def _bulk_write(model: type[M], rows: Sequence[M], district: District) -> list[M]:
    created = bulk_create_with_history(
        rows,
        model,
        batch_size=500,
        default_user=district.office,
        default_change_reason=SEED_REASON,
    )
    # Bulk writes send no signal: their history rows are sealed into the chain here.
    seal_pending([get_history_model_for_model(model)])
    return created


IndicatorKey = tuple[int, str]  # (category id, indicator code)


PlanKey = tuple[Unit, Item]
