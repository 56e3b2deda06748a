"""Publishing a year's results (公开发布): the one door to the state "published".

``publish`` stores the current computation as a new ``Publication`` (version n + 1) in the
document format of ``assessment.models.publication``, with the changes since the previous
version, and moves the year to "published" — from the publicity (公示), or from a formal review
(复核) of results published before. It refuses while an objection is open (or accepted and not
yet recomputed), before the publicity has ended unless the person publishing confirms it
(``confirm_early``: recorded on the publication), and unless the current computation still
matches the data (``run_matches_inputs``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.lib.explanations import full_detail, load_words, stored_explanations
from assessment.models import (
    DOCUMENT_FORMAT,
    AssessmentYear,
    ComputationRun,
    Highlight,
    Indicator,
    Publication,
    YearStatus,
)
from assessment.policy import transition_error
from assessment.selectors.changes import publication_changes
from assessment.services.objections import objections_blocking_publication
from assessment.services.year import User, move
from units.models import UnitCategory

PUBLISHING_STATES = frozenset({YearStatus.PUBLICITY, YearStatus.REVIEW})


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


@transaction.atomic
def publish(
    *, year: AssessmentYear, by: User, confirm_early: bool = False, reason: str = ""
) -> Publication:
    """Publish the year's current results as a new version; ``ValidationError`` saying why not.

    ``reason`` is kept on the publication: for a new version, the review that led to it (if
    not given, the reason the review was opened with).
    """
    locked = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    status = YearStatus(locked.status)
    if error := transition_error(locked, YearStatus.PUBLISHED):
        raise _refuse(error, "transition_refused")
    if problems := objections_blocking_publication(locked):
        raise ValidationError([_refuse(problem, "objections") for problem in problems])
    today = timezone.localdate()
    ends = locked.publicity_ends_on
    early = status == YearStatus.PUBLICITY and (ends is None or today <= ends)
    if early and not confirm_early:
        when = ends.isoformat() if ends else "—"
        raise _refuse(
            _(
                "The publicity of the %(year)s results runs until %(date)s: to publish before it "
                "ends, confirm that you publish early."
            )
            % {"year": locked.year, "date": when},
            "publicity_not_ended",
        )
    run = _matching_run(locked)
    previous = locked.publications.order_by("-version").first()
    version = previous.version + 1 if previous else 1
    reason = reason.strip() or (_review_reason(locked) if previous else "")
    now = timezone.now()
    document = publication_document(locked, run, version=version, published_at=now)
    publication = Publication(
        year=locked,
        version=version,
        run=run,
        published_at=now,
        published_by=by if by is not None and by.is_authenticated else None,
        document=document,
        early=early,
        reason=reason[:500],
        changes=publication_changes(previous.document if previous else None, document),
    )
    publication.save()
    history_reason = reason or (_("published early") if early else "")
    move(locked, YearStatus.PUBLISHED, by=by, reason=history_reason)
    year.status = locked.status
    year.updated_at = locked.updated_at
    return publication


def _matching_run(year: AssessmentYear) -> ComputationRun:
    from assessment.services.compute import run_matches_inputs

    run = year.runs.filter(is_current=True).select_related("year").first()
    if run is None:
        raise _refuse(
            _("The %(year)s assessment has no computed results to publish.") % {"year": year.year},
            "no_results",
        )
    if not run_matches_inputs(run):
        raise _refuse(
            _(
                "The inputs of the %(year)s assessment have changed since the results were "
                "computed: compute them again before publishing."
            )
            % {"year": year.year},
            "results_outdated",
        )
    return run


def _review_reason(year: AssessmentYear) -> str:
    """The reason the current review was opened with (from the year's history)."""
    opened = (
        year.history.filter(status=YearStatus.REVIEW)
        .exclude(history_change_reason__isnull=True)
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return opened or ""


# --- the document ------------------------------------------------------------------------------


def _plain_decimal(value: Any) -> str:
    return format(value, "f")


def publication_document(
    year: AssessmentYear,
    run: ComputationRun,
    *,
    version: int = 1,
    published_at: Any = None,
) -> dict[str, Any]:
    """The run's results in the published format (``assessment.models.publication``, format 1).

    Six queries whatever the number of units: categories with their indicators, unit results,
    highlights, teams, cadres.
    """
    published_at = published_at or timezone.now()
    indicators = list(
        Indicator.objects.filter(year=year)
        .select_related("category", "source_unit")
        .order_by("category__sort_order", "category__code", "sort_order", "code")
    )
    by_category: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_category[indicator.category_id].append(indicator)
    categories = [
        {
            "code": category.code,
            "name": category.name,
            "groups": list(dict.fromkeys(i.group for i in by_category[category.pk])),
            "indicators": [
                {
                    "code": i.code,
                    "name": i.name,
                    "group": i.group,
                    "points": _plain_decimal(i.points),
                    "method": i.method,
                    "measure": i.measure,
                    # 一数一源: named only where there is one (older documents never have it)
                    **({"data_source": i.source_unit.name} if i.source_unit else {}),
                }
                for i in by_category[category.pk]
            ],
        }
        for category in UnitCategory.objects.order_by("sort_order", "code")
        if category.pk in by_category
    ]
    highlights: dict[int, list[str]] = defaultdict(list)
    for unit_id, title in (
        Highlight.objects.filter(year=year)
        .order_by("created_at", "pk")
        .values_list("unit_id", "title")
    ):
        highlights[unit_id].append(title)
    words = load_words()
    units = [
        {
            "unit": r.unit.code,
            "name": r.unit.name,
            "category": r.category.code,
            "total": _plain_decimal(r.total),
            "rank": r.rank,
            "tier": r.tier,
            "veto": r.veto,
            "disqualified": r.disqualified,
            "bonus": r.bonus,
            "group_totals": dict(r.group_totals),
            "indicators": dict(r.scores),
            # worded now, kept worded: the document never depends on a later wording
            "explanations": {
                code: full_detail(detail, (r.scores or {}).get(code), words)
                for code, detail in stored_explanations(
                    r.details, run.explained, r.category_id
                ).items()
            },
            "highlights": highlights.get(r.unit_id, []),
        }
        for r in run.units.select_related("unit", "category").order_by(
            "category__sort_order", "category__code", "rank", "unit__code"
        )
    ]
    teams = [
        {
            "unit": t.unit.code,
            "evaluation": _plain_decimal(t.evaluation),
            "score": _plain_decimal(t.score),
            "tier": t.tier,
        }
        for t in run.teams.select_related("unit", "unit__category").order_by(
            "unit__category__sort_order", "rank", "unit__code"
        )
    ]
    cadres = [
        {
            "unit": c.cadre.unit.code,
            "name": c.cadre.name,
            "evaluation": _plain_decimal(c.evaluation),
            "contribution": _plain_decimal(c.contribution),
            "score": _plain_decimal(c.score),
            "tier": c.tier,
        }
        for c in run.cadres.select_related("cadre__unit").order_by(
            "rank", "cadre__unit__code", "cadre__name"
        )
    ]
    return {
        "format": DOCUMENT_FORMAT,
        "year": year.year,
        "version": version,
        "published_at": published_at.isoformat(),
        "computed_at": run.computed_at.isoformat(),
        "input_sha256": run.input_hash,
        "bonus_pool": run.bonus_pool,
        "categories": categories,
        "units": units,
        "teams": teams,
        "cadres": cadres,
    }


# --- what changed -----------------------------------------------------------------------------
