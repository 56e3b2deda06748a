"""The integrity signals as the queue computes them — each signal reading from the database only
the records that can take part in it — are exactly those of the signals' definitions over the
whole year read row by row (``all_signals`` over ``year_facts``).

On the demo district, which plants a shared file, look-alike descriptions, backdated records,
an outlier and falling cumulative figures, with the rest planted here: a burst before closing
(and a unit one late record short of one, its last record entered the day before the
window), digit heaping, round numbers, a unit's own figure
contradicting its data source, and records dated exactly the backdating limit before their
entry (no signal) and one day more (a signal).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import (
    AssessmentYear,
    Evidence,
    EvidenceStatus,
    Indicator,
    IntegrityThresholds,
)
from assessment.scoring.signals import SignalKind, all_signals
from assessment.selectors.integrity import year_facts, year_signals, year_thresholds
from tests.demo_seed import seeded_demo
from units.models import Unit

pytestmark = pytest.mark.django_db

CLOSES = datetime.date(2026, 11, 30)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_demo(django_db_blocker, tmp_path_factory) as out:
        yield out


def entered_on(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def copies(model: Evidence, values: list[Decimal], **changes) -> list[Evidence]:
    """Verified, current copies of ``model`` with each of ``values``, entered as ``changes``
    say (``entered``: the day), written without the service: only what the signals read."""
    entered = changes.pop("entered", None)
    fields = {
        f.attname: getattr(model, f.attname)
        for f in Evidence._meta.concrete_fields
        if not f.primary_key and f.attname not in ("supersedes_id", "value")
    }
    fields.update(status=EvidenceStatus.VERIFIED, is_current=True, is_waived=False, **changes)
    made = Evidence.objects.bulk_create([Evidence(**fields, value=value) for value in values])
    if entered is not None:
        Evidence.objects.filter(pk__in=[e.pk for e in made]).update(recorded_at=entered_on(entered))
    return made


def spread(count: int) -> list[Decimal]:
    """``count`` ordinary figures: every last digit as often (no heaping, no round ones)."""
    return [Decimal(f"{21 + n}.5") for n in range(count)]


def records_of(unit: Unit, year: AssessmentYear):
    return (
        Evidence.objects.current()
        .filter(unit=unit, indicator__year=year)
        .exclude(status=EvidenceStatus.REJECTED)
    )


@pytest.fixture
def planted(seeded):
    year = AssessmentYear.objects.get(year=2026)
    IntegrityThresholds.objects.update_or_create(year=year, defaults={"collection_closes": CLOSES})
    towns = list(Unit.objects.filter(category__code="town").order_by("code"))
    quantitative = Evidence.objects.counting().filter(
        indicator__year=year, indicator__method="completion", data_source__isnull=True
    )

    def model_of(unit: Unit) -> Evidence:
        return quantitative.filter(unit=unit).order_by("pk").first()

    # a burst: as many records entered in the week before closing as the town had, plus one
    burst, near = towns[0], towns[1]
    late = CLOSES - datetime.timedelta(days=2)
    count = records_of(burst, year).count()
    copies(model_of(burst), spread(count + 1), entered=late)
    # one short: its late records just under half of its year, with one more entered the day
    # before the last seven (not late: counted, it would make half)
    count = records_of(near, year).count()
    copies(model_of(near), spread(count - 1), entered=late)
    copies(model_of(near), spread(1), entered=CLOSES - datetime.timedelta(days=7))
    # last digits heaping on 5, and whole hundreds
    copies(model_of(towns[2]), [Decimal(10 * n + 5) for n in range(1, 80)])
    copies(model_of(towns[3]), [Decimal(100 * n) for n in range(1, 40)])
    # a unit's own figure three times its data source's
    source_figure = (
        Evidence.objects.counting()
        .filter(indicator__year=year, data_source__isnull=False)
        .order_by("pk")
        .first()
    )
    copies(source_figure, [source_figure.value * 3], data_source_id=None)
    # dated exactly 90 days before entry (no signal), and 91 days (a signal)
    dated = datetime.date(2026, 5, 4)
    model = model_of(towns[4])
    copies(model, [Decimal("12.5")], date=dated, entered=dated + datetime.timedelta(days=90))
    copies(model, [Decimal("13.5")], date=dated, entered=dated + datetime.timedelta(days=91))
    return year


def test_the_queue_finds_exactly_the_signals_of_the_whole_year_read_row_by_row(planted):
    year = planted
    thresholds, settings = year_thresholds(year)
    whole = year_facts(year)
    expected = all_signals(
        whole.facts,
        unit_names=whole.unit_names,
        categories=whole.categories,
        closes=settings.collection_closes,
        history=whole.history,
        thresholds=thresholds,
    )
    found = year_signals(year)
    # every kind is there to compare, or the comparison proves little
    assert {signal.kind for signal in expected} == set(SignalKind)
    assert found == expected


def test_the_planted_boundaries_fall_where_the_definitions_put_them(planted):
    year = planted
    towns = list(Unit.objects.filter(category__code="town").order_by("code"))
    found = year_signals(year)
    bursting = {signal.units for signal in found if signal.kind == SignalKind.BURST}
    assert bursting == {(towns[0].code,)}
    backdated = [s for s in found if s.kind == SignalKind.BACKDATED and s.units == (towns[4].code,)]
    # the 91-day record only: 90 days is within the limit
    assert [signal.facts["longest_gap"] for signal in backdated] == [91]
    assert len(backdated[0].records) == 1
    heaping = [s for s in found if s.kind == SignalKind.DIGIT_HEAPING]
    # the whole hundreds all end in 0: they heap too
    assert [signal.units for signal in heaping] == [(towns[2].code,), (towns[3].code,)]
    rounds = [s for s in found if s.kind == SignalKind.ROUND_NUMBERS]
    assert [signal.units for signal in rounds] == [(towns[3].code,)]
    assert Indicator.objects.filter(year=year, source_unit__isnull=False).exists()
    assert [s.kind for s in found].count(SignalKind.SOURCE_CONTRADICTION) == 1
