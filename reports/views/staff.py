"""Staff report pages: letters, bulletins, teams and cadres, bonus, the leaders' dashboard.

Thin: the access helper decides who may open a page (``reports.staff.access``), one read of
``reports.staff`` builds it, the view renders it or sends the file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from assessment.models import AssessmentYear, ComputationRun, YearStatus
from assessment.selectors import warnings as warning_reads
from assessment.selectors import years as selectors
from assessment.views.feedback import say_form_errors, say_refusal, year_redirect
from reports.forms import BulletinCreateForm, OutstandingFilterForm
from reports.models import ProgressBulletin
from reports.staff import bonus as bonus_reads
from reports.staff import bulletins as bulletin_reads
from reports.staff import dashboard as dashboard_reads
from reports.staff import leadership, letters
from reports.staff.access import (
    letter_unit_get_for_user,
    makes_bulletins,
    reads_district_reports,
    require_district_reader,
)
from reports.staff.projection import general_messages, unprojected_messages
from units.access import is_staff_member, user_unit_code
from units.downloads import attachment
from units.models import Cadre, Unit, UnitCategory

PAGE_SIZE = 50
BULLETINS_PER_PAGE = 20
BONUS_LINES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _district_year(request: HttpRequest, year: int) -> AssessmentYear:
    """The year of a district-wide report: 403 for the wrong role, 404 for an unknown year."""
    require_district_reader(request.user)
    return selectors.year_get_for_user(request.user, year)


def _download(content: bytes, content_type: str, name: str, fallback: str) -> HttpResponse:
    return attachment(HttpResponse(content, content_type=content_type), name, fallback)


def _url_or_none(name: str, **kwargs: object) -> str | None:
    """A page of another part of the site, if it is there."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _page(
    request: HttpRequest, items: Sequence[Any] | QuerySet[Any], size: int = PAGE_SIZE
) -> Page[Any]:
    return Paginator(items, size).get_page(request.GET.get("page"))


# --- the index ------------------------------------------------------------------------------


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The reports this user may open, for the chosen year (the latest by default)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    years = list(AssessmentYear.objects.order_by("-year"))
    chosen = request.GET.get("year", "")
    year = next((y for y in years if str(y.year) == chosen), years[0] if years else None)
    context = {
        "years": years,
        "year": year,
        "district": reads_district_reports(request.user),
        "makes_bulletins": makes_bulletins(request.user),
        "own_unit_code": user_unit_code(request.user),
    }
    return render(request, "reports/index.html", context)


# --- target-responsibility letters ----------------------------------------------------------


@require_GET
@login_required
def letter_list(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not reads_district_reports(request.user):
        own = user_unit_code(request.user)
        if not own:
            raise PermissionDenied
        return redirect("reports:letter", year=assessment_year.year, unit=own)
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()
    units = (
        Unit.objects.active().select_related("category").order_by("category__sort_order", "code")
    )
    if category:
        units = units.filter(category__code=category)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__iexact=query))
    context = {
        "year": assessment_year,
        "page": _page(request, units),
        "categories": UnitCategory.objects.order_by("sort_order", "code"),
        "category": category,
        "q": query,
    }
    return render(request, "reports/letter_list.html", context)


@require_GET
@login_required
def letter(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    target_unit = letter_unit_get_for_user(request.user, unit)
    assessment_year = selectors.year_get_for_user(request.user, year)
    document = letters.letter_for(assessment_year, target_unit)
    context = {
        "year": assessment_year,
        "letter": document,
        "title": letters.letter_title(document),
        "intro": letters.letter_intro(document),
        "signatures": letters.signature_labels(),
        "today": timezone.localdate(),
    }
    return render(request, "reports/letter.html", context)


@require_GET
@login_required
def letter_pdf(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    target_unit = letter_unit_get_for_user(request.user, unit)
    assessment_year = selectors.year_get_for_user(request.user, year)
    content = letters.letter_pdf(letters.letter_for(assessment_year, target_unit))
    tail = f"{assessment_year.year}-{target_unit.code}.pdf"
    name = pgettext("file name", "Target-responsibility letter")
    return _download(content, "application/pdf", f"{name}-{tail}", f"letter-{tail}")


# --- progress bulletins ---------------------------------------------------------------------


@require_GET
@login_required
def bulletin_list(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    bulletins = record.bulletins.select_related("created_by").order_by("-as_of", "-created_at")
    context = {
        "year": record,
        "page": _page(request, bulletins, BULLETINS_PER_PAGE),
        "form": BulletinCreateForm() if makes_bulletins(request.user) else None,
    }
    return render(request, "reports/bulletin_list.html", context)


@require_POST
@login_required
def bulletin_create(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    if not makes_bulletins(request.user):
        raise PermissionDenied
    form = BulletinCreateForm(request.POST)
    if not form.is_valid():
        say_form_errors(request, form)
        return redirect("reports:bulletin_list", year=record.year)
    try:
        bulletin = bulletin_reads.bulletin_create(
            year=record,
            quarter=form.cleaned_data["quarter"],
            as_of=form.cleaned_data["as_of"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
    except ValidationError as error:
        say_refusal(request, error)
        return redirect("reports:bulletin_list", year=record.year)
    messages.success(request, _("The bulletin “%(title)s” was made.") % {"title": bulletin.title})
    return redirect("reports:bulletin_detail", year=record.year, pk=bulletin.pk)


@require_GET
@login_required
def bulletin_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    record = _district_year(request, year)
    bulletin = get_object_or_404(
        ProgressBulletin.objects.select_related("created_by"), year=record, pk=pk
    )
    context = {"year": record, "view": bulletin_reads.bulletin_view(bulletin)}
    return render(request, "reports/bulletin_detail.html", context)


@require_GET
@login_required
def bulletin_compare(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    bulletins = list(record.bulletins.order_by("as_of", "created_at", "pk"))
    categories = list(UnitCategory.objects.order_by("sort_order", "code"))
    unit = request.GET.get("unit", "").strip()
    category = request.GET.get("category", "")
    if not unit and not category and categories:
        category = categories[0].code
    series = bulletin_reads.bulletin_series(bulletins, unit=unit, category=category)
    context = {
        "year": record,
        "series": series,
        "page": _page(request, series.rows),
        "chart": bulletin_reads.chart_data(series),
        "categories": categories,
        "units": Unit.objects.active().order_by("category__sort_order", "code"),
        "unit": unit,
        "category": "" if unit else category,
    }
    return render(request, "reports/bulletin_compare.html", context)


# --- leadership teams and cadres ------------------------------------------------------------


def _leadership_context(request: HttpRequest, assessment_year: AssessmentYear) -> dict[str, Any]:
    return {
        "year": assessment_year,
        "run": leadership.current_run(assessment_year),
        "categories": UnitCategory.objects.order_by("sort_order", "code"),
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", "").strip(),
    }


def _leadership_page(
    request: HttpRequest,
    year: int,
    template: str,
    results: Callable[[ComputationRun, dict[str, Any]], QuerySet[Any]],
    lines: Callable[[AssessmentYear, ComputationRun, list[Any]], list[leadership.FormulaLine]],
) -> HttpResponse:
    """A page of the current run's ``results`` (read with the filters of the page's context),
    each with its formula; ``mismatch`` when a formula does not give the stored score."""
    record = _district_year(request, year)
    context = _leadership_context(request, record)
    run = context["run"]
    if run is not None:
        page = _page(request, results(run, context))
        context["page"] = page
        context["lines"] = shown = lines(record, run, list(page))
        context["mismatch"] = any(not line.matches for line in shown)
    return render(request, template, context)


@require_GET
@login_required
def teams(request: HttpRequest, year: int) -> HttpResponse:
    def results(run: ComputationRun, context: dict[str, Any]) -> QuerySet[Any]:
        return leadership.teams_queryset(run, category=context["category"])

    return _leadership_page(request, year, "reports/teams.html", results, leadership.team_lines)


@require_GET
@login_required
def cadres(request: HttpRequest, year: int) -> HttpResponse:
    def results(run: ComputationRun, context: dict[str, Any]) -> QuerySet[Any]:
        return leadership.cadres_queryset(run, category=context["category"], query=context["q"])

    return _leadership_page(request, year, "reports/cadres.html", results, leadership.cadre_lines)


@require_GET
@login_required
def cadre_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    require_district_reader(request.user)
    cadre = get_object_or_404(Cadre.objects.select_related("unit", "unit__category"), pk=pk)
    context = {"cadre": cadre, "years": leadership.cadre_dossier(cadre)}
    return render(request, "reports/cadre_dossier.html", context)


def _outstanding(
    request: HttpRequest, assessment_year: AssessmentYear
) -> tuple[OutstandingFilterForm, Decimal, list[leadership.OutstandingLine]]:
    form = OutstandingFilterForm(request.GET or None)
    threshold = form.threshold_or(assessment_year.contribution_cap)
    return form, threshold, leadership.outstanding_cadres(assessment_year, threshold)


@require_GET
@login_required
def outstanding(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    form, threshold, lines = _outstanding(request, record)
    context = {
        "year": record,
        "form": form,
        "threshold": threshold,
        "page": _page(request, lines),
        "count": len(lines),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/outstanding.html", context)


@require_GET
@login_required
def outstanding_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    _form, threshold, lines = _outstanding(request, record)
    content = leadership.outstanding_workbook(record, threshold, lines)
    name = pgettext("file name", "Outstanding key-project contributions")
    return _download(
        content, XLSX, f"{name}-{record.year}.xlsx", f"outstanding-cadres-{record.year}.xlsx"
    )


# --- bonus ----------------------------------------------------------------------------------


@require_GET
@login_required
def bonus(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    run = leadership.current_run(record)
    table = bonus_reads.bonus_table(record, run) if run is not None else None
    context = {
        "year": record,
        "run": run,
        "table": table,
        "page": _page(request, table.lines, BONUS_LINES_PER_PAGE) if table else None,
    }
    return render(request, "reports/bonus.html", context)


@require_GET
@login_required
def bonus_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    run = leadership.current_run(record)
    if run is None or run.bonus_pool is None:
        raise Http404(_("No bonus has been distributed for this year."))
    content = bonus_reads.bonus_workbook(bonus_reads.bonus_table(record, run))
    name = pgettext("file name", "Assessment bonus")
    return _download(content, XLSX, f"{name}-{record.year}.xlsx", f"bonus-{record.year}.xlsx")


# --- the leaders' dashboard -----------------------------------------------------------------


@require_GET
@login_required
def dashboard_latest(request: HttpRequest) -> HttpResponse:
    """The dashboard of the latest year past set-up (or the latest year)."""
    require_district_reader(request.user)
    year = selectors.latest_year_not_in([YearStatus.SETUP])
    return year_redirect(request, year, "reports:dashboard", otherwise="reports:index")


@require_GET
@login_required
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    record = _district_year(request, year)
    today = timezone.localdate()
    board = dashboard_reads.dashboard(record, today)
    colours = warning_reads.colours_now(record, today)
    context = {
        "heat": warning_reads.heat_map(
            record, colours, warning_reads.visible_unit_ids(request.user, record)
        ),
        "year": record,
        "board": board,
        "risks": board.risks[:10],
        "overdue": board.overdue[:10],
        "chart": board.chart(),
        "unprojected": unprojected_messages(
            board.projection, {s.code: s.name for s in board.standings}
        ),
        "problems": general_messages(board.projection),
        "objections_url": _url_or_none("assessment:objection_list", year=record.year),
    }
    return render(request, "reports/dashboard.html", context)


def _dashboard_list(
    read: Callable[[AssessmentYear, datetime.date], list[Any]], template: str
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A whole list behind a dashboard panel: what ``read`` gives for the year today, paged."""

    @require_GET
    @login_required
    def dashboard_list(request: HttpRequest, year: int) -> HttpResponse:
        record = _district_year(request, year)
        rows = read(record, timezone.localdate())
        context = {"year": record, "count": len(rows), "page": _page(request, rows)}
        return render(request, template, context)

    return dashboard_list


dashboard_risks = _dashboard_list(dashboard_reads.risks, "reports/dashboard_risks.html")
dashboard_overdue = _dashboard_list(dashboard_reads.overdue, "reports/dashboard_overdue.html")
