"""Evaluation rounds (民主测评) for the office: preparing, printing codes, turnout, results.

Thin: forms parse, ``services.ballots`` decides and writes. A round is about persons, so its
pages are for the office and district leaders (``assessment.view_evaluationround``); only the
office changes anything (``assessment.manage_evaluationround``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.documents.slips import Slip, slips_pdf
from assessment.forms.ballots import (
    BatchForm,
    CloseForm,
    GroupFormSet,
    QuestionFormSet,
    RoundCreateForm,
    RoundForm,
    SubjectsAddForm,
    VoidForm,
)
from assessment.lib.history import set_history_user
from assessment.models import (
    CodeBatch,
    EvaluationRound,
    Mark,
    RoundResult,
    RoundStatus,
    RoundSubject,
)
from assessment.selectors import years as selectors
from assessment.services import ballots as ballot_service
from assessment.views.feedback import say_form_errors, say_refusal
from units.downloads import attachment

VIEW = "assessment.view_evaluationround"
MANAGE = "assessment.manage_evaluationround"


def _round_for(request: HttpRequest, pk: int, perm: str = VIEW) -> EvaluationRound:
    evaluation_round = get_object_or_404(EvaluationRound.objects.select_related("year"), pk=pk)
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return evaluation_round


def _to_round(evaluation_round: EvaluationRound, anchor: str = "") -> HttpResponse:
    """Back to the round's page, at ``anchor`` where one is given."""
    url = reverse("assessment:round_detail", kwargs={"pk": evaluation_round.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_http_methods(["GET", "POST"])
@login_required
def round_list(request: HttpRequest, year: int) -> HttpResponse:
    assessment_year = selectors.year_get_for_user(request.user, year)
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    may_manage = request.user.has_perm(MANAGE)
    form = RoundCreateForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = ballot_service.round_create(
                    year=assessment_year,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    closes_on=form.cleaned_data["closes_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The round “%(name)s” was created with the usual rater groups and one "
                        "question: adjust them, add the people evaluated, then open it."
                    )
                    % {"name": created.name},
                )
                return redirect("assessment:round_detail", pk=created.pk)
    rounds = list(
        EvaluationRound.objects.filter(year=assessment_year)
        .order_by("-created_at")
        .prefetch_related("subjects", "ballots")
    )
    return render(
        request,
        "ballots/round_list.html",
        {"year": assessment_year, "rounds": rounds, "form": form, "may_manage": may_manage},
    )


def _result_rows(evaluation_round: EvaluationRound) -> list[dict]:
    results = RoundResult.objects.filter(round=evaluation_round).select_related(
        "subject__unit", "subject__cadre"
    )
    rows = []
    for result in results:
        details = result.details or {}
        rows.append(
            {
                "result": result,
                "subject": result.subject,
                "label": ballot_service.subject_label(result.subject),
                "groups": details.get("groups", []),
                "exact": details.get("exact"),
            }
        )
    return rows


@require_GET
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk)
    may_manage = request.user.has_perm(MANAGE)
    draft = evaluation_round.status == RoundStatus.DRAFT
    subjects = list(evaluation_round.subjects.select_related("unit", "cadre"))
    questions = list(evaluation_round.questions.all())
    context = {
        "year": evaluation_round.year,
        "round": evaluation_round,
        "may_manage": may_manage,
        "draft": draft,
        "groups": list(evaluation_round.groups.all()),
        "questions": questions,
        "subjects": subjects,
        "team_count": sum(1 for subject in subjects if subject.cadre_id is None),
        "turnout": ballot_service.round_turnout(evaluation_round),
        "batches": list(
            CodeBatch.objects.filter(round=evaluation_round).select_related(
                "group", "unit", "created_by", "voided_by"
            )
        ),
        "marks": Mark.choices,
        "points": evaluation_round.mark_points(),
        "open_problems": ballot_service.round_problems(evaluation_round) if draft else [],
        "results": _result_rows(evaluation_round)
        if evaluation_round.status == RoundStatus.CLOSED
        else [],
        "several_questions": len(questions) > 1,
    }
    if may_manage and evaluation_round.status != RoundStatus.CLOSED:
        context["batch_form"] = BatchForm(round=evaluation_round)
        context["void_form"] = VoidForm()
        context["subjects_form"] = SubjectsAddForm() if draft else None
        if evaluation_round.status == RoundStatus.OPEN:
            context["close_form"] = CloseForm()
            context["close_problems"] = ballot_service.close_problems(evaluation_round)
    return render(request, "ballots/round_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    if evaluation_round.status == RoundStatus.CLOSED:
        messages.error(
            request,
            _("The round is closed and no longer changes: to evaluate again, create a new round."),
        )
        return _to_round(evaluation_round)
    form = RoundForm(request.POST or None, instance=evaluation_round)
    if request.method == "POST" and form.is_valid():
        try:
            ballot_service.round_update_check(
                evaluation_round=evaluation_round, by=request.user, form=form
            )
            updated = form.save(commit=False)
            set_history_user(updated, request.user)
            updated.save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round's rules were saved."))
            return _to_round(evaluation_round)
    return render(
        request,
        "ballots/round_form.html",
        {"year": evaluation_round.year, "round": evaluation_round, "form": form},
    )


def _formset_page(
    request: HttpRequest,
    pk: int,
    formset_class: type[BaseModelFormSet[Any, Any]],
    kind: str,
) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    refusal = ballot_service.preparation_refusal(evaluation_round)
    if refusal:
        messages.error(request, refusal)
        return _to_round(evaluation_round)
    queryset = (
        evaluation_round.groups.all() if kind == "groups" else evaluation_round.questions.all()
    )
    formset = formset_class(request.POST or None, queryset=queryset, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        try:
            ballot_service.formset_save(
                evaluation_round=evaluation_round, by=request.user, formset=formset
            )
        except ValidationError as error:
            # Django's own place for the errors of the whole formset, shown above its rows.
            formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]  # private: absent from the stubs
        else:
            messages.success(request, _("Saved."))
            return _to_round(evaluation_round)
    return render(
        request,
        "ballots/round_formset.html",
        {
            "year": evaluation_round.year,
            "round": evaluation_round,
            "formset": formset,
            "kind": kind,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_groups(request: HttpRequest, pk: int) -> HttpResponse:
    return _formset_page(request, pk, GroupFormSet, "groups")


@require_http_methods(["GET", "POST"])
@login_required
def round_questions(request: HttpRequest, pk: int) -> HttpResponse:
    return _formset_page(request, pk, QuestionFormSet, "questions")


@require_POST
@login_required
def round_subjects_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    form = SubjectsAddForm(request.POST)
    if not form.is_valid():
        say_form_errors(request, form)
        return _to_round(evaluation_round)
    try:
        added = ballot_service.subjects_add(
            evaluation_round=evaluation_round,
            by=request.user,
            units=form.chosen_units(),
            teams=form.cleaned_data["teams"],
            cadres=form.cleaned_data["cadres"],
        )
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("%(count)s teams and cadres were added.") % {"count": added})
    return _to_round(evaluation_round, "subjects")


@require_POST
@login_required
def round_subject_remove(request: HttpRequest, pk: int, subject: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    item = get_object_or_404(RoundSubject, pk=subject, round=evaluation_round)
    try:
        ballot_service.subject_remove(subject=item, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    return _to_round(evaluation_round, "subjects")


@require_POST
@login_required
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    try:
        ballot_service.round_open(evaluation_round=evaluation_round, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("Voting is open until %(date)s. Print the codes for every rater group.")
            % {"date": evaluation_round.closes_on},
        )
    return _to_round(evaluation_round)


@require_POST
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round_for(request, pk, MANAGE)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        results = ballot_service.round_close(
            evaluation_round=evaluation_round,
            by=request.user,
            confirm_short=bool(form.cleaned_data.get("confirm_short")),
        )
    except ValidationError as error:
        say_refusal(request, error)
        return _to_round(evaluation_round)
    scored = sum(1 for result in results if result.score is not None)
    messages.success(
        request,
        _(
            "The round is closed: %(scored)s of %(total)s teams and cadres were scored; their "
            "evaluations now come from this round."
        )
        % {"scored": scored, "total": len(results)},
    )
    return _to_round(evaluation_round, "results")


@require_POST
@login_required
def batch_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Make codes and answer with their slips (PDF): the only time the codes are shown."""
    evaluation_round = _round_for(request, pk, MANAGE)
    form = BatchForm(request.POST, round=evaluation_round)
    if not form.is_valid():
        say_form_errors(request, form)
        return _to_round(evaluation_round)
    try:
        with transaction.atomic():
            batch, codes = ballot_service.batch_create(
                evaluation_round=evaluation_round,
                by=request.user,
                group=form.cleaned_data["group"],
                unit=form.cleaned_data["unit"],
                size=form.cleaned_data["size"],
            )
    except ValidationError as error:
        say_refusal(request, error)
        return _to_round(evaluation_round)
    path = reverse("vote:start")
    base = settings.PUBLIC_BASE_URL
    vote_url = f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)
    group_line = _("Rater group: %(group)s") % {"group": batch.group.name}
    lines = [group_line]
    if batch.unit is not None:
        lines.append(_("Unit: %(unit)s") % {"unit": batch.unit.name})
    lines.append(_("Vote by %(date)s") % {"date": evaluation_round.closes_on.isoformat()})
    slips = [
        Slip(
            serial=item.serial,
            code=item.code,
            url=f"{vote_url}?c={item.code.replace('-', '')}",
            lines=lines,
        )
        for item in codes
    ]
    year = str(evaluation_round.year.year)
    title = (
        evaluation_round.name
        if year in evaluation_round.name
        else f"{year} · {evaluation_round.name}"
    )
    response = HttpResponse(slips_pdf(title, slips), content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    tail = f"{evaluation_round.pk}-{batch.pk}.pdf"
    name = pgettext("file name", "Voting code cards")
    return attachment(response, f"{name}-{tail}", f"codes-{tail}")


@require_POST
@login_required
def batch_void(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(CodeBatch.objects.select_related("round__year"), pk=pk)
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the codes are voided (e.g. a slip sheet was lost)."))
        unused = ballot_service.batch_void(
            batch=batch, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("The batch is void: %(count)s unused codes no longer work.") % {"count": unused},
        )
    return redirect("assessment:round_detail", pk=batch.round_id)
