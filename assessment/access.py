"""Who may do what in the assessment app: every object rule, in one place.

Same style as ``units.access``: model permissions come from the role groups, object rules are
``rules`` predicates checked with ``user.has_perm(perm, obj)``, and lists are filtered by the
selectors in ``assessment.selectors.years`` from the same facts.

- The assessment office (and administrators) set up years, schemes and targets, move a year
  through its states and compute results.
- Every staff member reads years and indicator schemes.
- Targets: the roles that work across units read every unit's targets; a reporter reads only
  their own unit's (the object is the ``Unit``).
- Results: the office, district leaders, lead departments and supervision read every row; a
  reporter reads their own unit's row, the rows of its own category from the publicity (公示)
  on, and every row once the year is published (the object is a ``UnitResult``).
- Objections (异议): filed by a unit's users against their own unit's scores during the
  publicity, read by them and by everyone who reads every unit, resolved by the office (the
  object is an ``Objection``; see ``objection_file_refusal``). Published versions are read by
  every staff member.
- Evidence (the object is an ``Evidence``, saved or not): see ``evidence_record_refusal``,
  ``evidence_verify_refusal`` and ``evidence_statement_refusal`` below; each says in words why
  not, so that the services raise it and the pages can grey out what the rule refuses. A
  record is seen by its unit's users, the office, district leaders, supervision, the lead
  department of its indicator and its data source unit (一数一源); its attachments and
  statements by the same people.
- Key projects (the object is a ``KeyProject``, a ``ProgressUpdate`` or a ``Contribution``):
  planned by the office; progress reported and contributions proposed by the responsible
  unit (or the office); progress verified by the office or supervision, contributions by the
  office; never by the project's own unit nor by the record's creator. See
  ``progress_record_refusal`` and the functions after it.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext as _

from assessment.models import (
    FAILURE_METHODS,
    UNIT_REPORTED_METHODS,
    WAIVABLE_METHODS,
    AssessmentYear,
    Contribution,
    Evidence,
    EvidenceStatus,
    Indicator,
    KeyProject,
    MethodChoices,
    Objection,
    ProgressUpdate,
    ProjectTask,
    UnitResult,
    Waiver,
    YearStatus,
)
from units.access import (
    AnyUser,
    is_admin,
    is_lead,
    is_leader,
    is_office,
    is_own_unit,
    is_staff_member,
    is_supervision,
    sees_all_units,
    user_unit_id,
)
from units.models import Unit

# Once published, the results are no longer a secret between the office and each unit (a
# review of published results does not make them secret again).
PUBLISHED_STATES = frozenset({YearStatus.PUBLISHED, YearStatus.REVIEW, YearStatus.ARCHIVED})

manages_assessment = is_admin | is_office


def year_is_published(year: AssessmentYear) -> bool:
    return year.status in PUBLISHED_STATES


def category_ranking_is_open(year: AssessmentYear) -> bool:
    """During the publicity (公示) and after, a unit sees the ranking of its own category."""
    return year.status == YearStatus.PUBLICITY or year_is_published(year)


_CATEGORY_CACHE = "_district_category"  # on the request's user object, like units.access


def user_category_id(user: AnyUser) -> int | None:
    """The category of the user's unit (one query, cached on the user object)."""
    unit_id = user_unit_id(user)
    if unit_id is None:
        return None
    cached: int | None = getattr(user, _CATEGORY_CACHE, None)
    if cached is None:
        cached = Unit.objects.filter(pk=unit_id).values_list("category_id", flat=True).first()
        setattr(user, _CATEGORY_CACHE, cached)
    return cached


@rules.predicate
def is_own_result(user: AnyUser, result: UnitResult | None) -> bool:
    return result is not None and user_unit_id(user) == result.unit_id


@rules.predicate
def is_published_result(user: AnyUser, result: UnitResult | None) -> bool:
    if result is None:
        return False
    year = result.run.year
    if year_is_published(year):
        return True
    return category_ranking_is_open(year) and user_category_id(user) == result.category_id


# Years and schemes: read by every staff member, written by the office.
rules.add_perm("assessment.view_assessmentyear", is_staff_member)
rules.add_perm("assessment.add_assessmentyear", manages_assessment)
rules.add_perm("assessment.change_assessmentyear", manages_assessment)
rules.add_perm("assessment.publish_results", manages_assessment)  # state transitions
rules.add_perm("assessment.compute_results", manages_assessment)
rules.add_perm("assessment.view_year_history", is_admin | is_office | is_leader)
rules.add_perm("assessment.view_indicator", is_staff_member)
rules.add_perm("assessment.add_indicator", manages_assessment)
rules.add_perm("assessment.change_indicator", manages_assessment)
rules.add_perm("assessment.delete_indicator", manages_assessment)
# The catalogue of bonus and deduction items is part of the scheme.
rules.add_perm("assessment.view_item", is_staff_member)
rules.add_perm("assessment.add_item", manages_assessment)
rules.add_perm("assessment.change_item", manages_assessment)
rules.add_perm("assessment.delete_item", manages_assessment)
# Fault-tolerance waivers: proposed and confirmed by the office (two different members).
rules.add_perm("assessment.view_waiver", is_staff_member)
rules.add_perm("assessment.add_waiver", manages_assessment)
rules.add_perm("assessment.change_waiver", manages_assessment)

# Targets: the object is the unit whose targets they are.
rules.add_perm("assessment.view_target", is_staff_member & (sees_all_units | is_own_unit))
rules.add_perm("assessment.change_target", manages_assessment)

# Results: the object is one unit's result row.
# Not the model permission "view_unitresult": that one stays the role groups' (admin pages);
# this one decides which rows of a results table a user sees.
rules.add_perm(
    "assessment.see_unit_result",
    is_staff_member & (sees_all_units | is_own_result | is_published_result),
)


@rules.predicate
def is_result_of_published_year(user: AnyUser, result: UnitResult | None) -> bool:
    return result is not None and year_is_published(result.run.year)


# A unit's full score sheet (every score's explanation, its objections): during the publicity
# a unit reads its own and its category's ranking, not its peers' sheets; once published, the
# explanations are public anyway.
rules.add_perm(
    "assessment.see_score_sheet",
    is_staff_member & (sees_all_units | is_own_result | is_result_of_published_year),
)


# --- Evidence ---------------------------------------------------------------------------------
# The model permissions (which roles may record, verify, answer at all) come from the role
# groups; the functions below add which unit and which indicator. Called with no object, the
# rules answer False and leave the question to the group permissions.


def outsider_refusal(user: AnyUser, unit_id: int, recorded_by_id: int | None) -> str | None:
    """Every record is verified from outside: never by its own unit, never by its creator."""
    if unit_id == user_unit_id(user):
        return _("You cannot verify a record of your own unit.")
    if recorded_by_id is not None and recorded_by_id == user.pk:
        return _("You cannot verify a record you created.")
    return None


def leads_indicator(user: AnyUser, indicator: Indicator) -> bool:
    """Whether the user works for the lead department (牵头单位) of the indicator."""
    own = user_unit_id(user)
    return own is not None and indicator.lead_unit_id == own and is_lead(user)


def provides_indicator(user: AnyUser, indicator: Indicator) -> bool:
    """Whether the user works for the data source unit (数据来源单位) of the indicator."""
    own = user_unit_id(user)
    return own is not None and indicator.source_unit_id == own


def source_refusal(indicator: Indicator) -> str:
    """Why nobody but the data source unit (and the office) records a source-fed indicator."""
    source = indicator.source_unit
    return _(
        "The figures of %(indicator)s come from its data source unit %(source)s, once for "
        "every unit (一数一源): they are recorded there, not here."
    ) % {"indicator": indicator.name, "source": source.name if source else ""}


# Who a user is as a recorder of evidence, read once per request object (a page asks it for
# every indicator and record it shows): not one, the office (or an administrator), supervision,
# or the user of a unit (a reporter or a lead department).
_RECORDER_CACHE = "_district_recorder"
_NOT_A_RECORDER, _OFFICE, _SUPERVISION, _UNIT_USER = "", "office", "supervision", "unit"


def _recorder(user: AnyUser) -> str:
    cached: str | None = getattr(user, _RECORDER_CACHE, None)
    if cached is None:
        if not is_staff_member(user) or not user.has_perm("assessment.add_evidence"):
            cached = _NOT_A_RECORDER
        elif manages_assessment(user):
            cached = _OFFICE
        elif is_supervision(user):
            cached = _SUPERVISION
        else:
            cached = _UNIT_USER
        setattr(user, _RECORDER_CACHE, cached)
    return cached


def evidence_record_refusal(user: AnyUser, unit: Unit, indicator: Indicator) -> str | None:
    """Why ``user`` may not record evidence of ``unit`` on ``indicator``, or None if they may.

    The office records anything; supervision records failures (deduction and veto) against any
    unit; a lead department records for every unit on the indicators it leads; a unit's users
    record their own unit's work: its figures and bonus items, not the ranks, grades and survey
    rates a lead department assesses. Failures are not a unit's to record, nor to correct: it
    answers them with a statement. An indicator that names a data source unit (一数一源) is
    recorded by that unit, for every unit, and by no other (the office apart).
    """
    recorder = _recorder(user)
    if recorder == _NOT_A_RECORDER:
        return _("You may not record evidence.")
    if recorder == _OFFICE:
        return None
    failure = indicator.method in FAILURE_METHODS
    if recorder == _SUPERVISION:
        if failure:
            return None
        return _(
            "Supervision records failures only: deduction, disqualification and veto indicators."
        )
    if indicator.source_unit_id is not None:
        # 一数一源: the source unit records the indicator for every unit; nobody else does
        return None if provides_indicator(user, indicator) else source_refusal(indicator)
    own = user_unit_id(user)
    if unit.pk != own:
        if leads_indicator(user, indicator):
            return None
        return _("You may only record evidence for your own unit.")
    if failure:
        return _(
            "Deductions, disqualifications and veto events are recorded by supervision or the "
            "assessment office; your unit answers them with a statement."
        )
    if indicator.method not in UNIT_REPORTED_METHODS and not leads_indicator(user, indicator):
        return _(
            "This indicator is assessed by its lead department (a city rank, a grade or a "
            "survey rate): your unit does not record it."
        )
    return None


def self_report_refusal(user: AnyUser, unit: Unit, indicator: Indicator) -> str | None:
    """Why ``user`` may not state ``unit``'s own figure (自报数) on ``indicator``, or None.

    Only on an indicator that names a data source unit (一数一源): the unit's own users state
    it (and the office, which may correct one); it never counts, the office compares it with
    the source's figure.
    """
    recorder = _recorder(user)
    if recorder == _NOT_A_RECORDER:
        return _("You may not record evidence.")
    if indicator.source_unit_id is None:
        return _("A self-report is stated only on an indicator that names a data source unit.")
    if recorder == _OFFICE or user_unit_id(user) == unit.pk:
        return None
    return _("A unit states only its own figure.")


def record_refusal(user: AnyUser, record: Evidence) -> str | None:
    """Why ``user`` may not record (or correct) ``record``: a self-report by its own rule,
    any other record by ``evidence_record_refusal``."""
    if record.is_self_report:
        return self_report_refusal(user, record.unit, record.indicator)
    return evidence_record_refusal(user, record.unit, record.indicator)


def _confirmation_refusal(user: AnyUser, record: Evidence, office: bool) -> str | None:
    """A veto event, and a disqualification (as grave for the unit, short of poor), is
    confirmed by the office, by someone other than the member who proposed it."""
    method = record.indicator.method
    if method == MethodChoices.VETO:
        only_office = _("Only the assessment office may confirm a veto event.")
        proposer = _(
            "You proposed this veto event: a second member of the assessment office must "
            "confirm it (考核委员会研究)."
        )
    elif method == MethodChoices.DISQUALIFY:
        only_office = _("Only the assessment office may confirm a disqualification.")
        proposer = _(
            "You proposed this disqualification: a second member of the assessment office "
            "must confirm it."
        )
    else:
        return None
    if not office:
        return only_office
    return proposer if record.recorded_by_id == user.pk else None


def evidence_verify_refusal(user: AnyUser, record: Evidence) -> str | None:
    """Why ``user`` may not verify or reject ``record``, or None if they may.

    Verifiers are the office (every indicator) and the lead department of the record's
    indicator (the office alone where the indicator names a data source unit); nobody verifies
    a record of their own unit or one they created. A veto event is confirmed by the office
    only, and by a second person: never the one who proposed it (the committee decision,
    考核委员会研究).
    """
    if not is_staff_member(user) or not user.has_perm("assessment.verify_evidence"):
        return _("You may not verify evidence.")
    if record.is_self_report:
        return _(
            "A unit's self-report on an indicator with a data source unit is not verified: it "
            "never counts, the assessment office compares it with the source's figure."
        )
    office = manages_assessment(user)
    if refusal := _confirmation_refusal(user, record, office):
        return refusal
    if refusal := outsider_refusal(user, record.unit_id, record.recorded_by_id):
        return refusal
    if record.indicator.source_unit_id is not None and not office:
        return _("The figures of a data source unit are verified by the assessment office.")
    if not office and not leads_indicator(user, record.indicator):
        return _(
            "Only the assessment office and the lead department of this indicator may verify "
            "its records."
        )
    return None


def waiver_propose_refusal(user: AnyUser, record: Evidence) -> str | None:
    """Why ``user`` may not propose waiving ``record`` (容错免责), or None if they may.

    The office proposes; only a verified, current deduction, disqualify or veto record that
    counts, and has no waiver proposed or confirmed already.
    """
    if not is_staff_member(user) or not manages_assessment(user):
        return _("Only the assessment office may propose a fault-tolerance waiver.")
    if record.indicator.method not in WAIVABLE_METHODS:
        return _("Only deductions, disqualifications and veto events can be waived.")
    if not record.is_current or record.status != EvidenceStatus.VERIFIED:
        return _("Only a verified, current record can be waived.")
    # (the record's waivers as read: a page prefetches them, a service reads them once)
    if record.is_waived or any(w.declined_by_id is None for w in record.waivers.all()):
        return _("A waiver of this record is already proposed or confirmed.")
    return None


def waiver_decide_refusal(user: AnyUser, waiver: Waiver) -> str | None:
    """Why ``user`` may not confirm or decline ``waiver``, or None if they may: a second
    member of the office, never the one who proposed it, and only while it is open."""
    if not is_staff_member(user) or not manages_assessment(user):
        return _("Only the assessment office may confirm a fault-tolerance waiver.")
    if not waiver.is_open:
        return _("This waiver has already been confirmed or declined.")
    if waiver.proposed_by_id == user.pk:
        return _(
            "You proposed this waiver: a second member of the assessment office must confirm it."
        )
    return None


def evidence_statement_refusal(user: AnyUser, record: Evidence) -> str | None:
    """Why ``user`` may not answer ``record`` with a statement, or None if they may."""
    if not is_staff_member(user) or not user.has_perm("assessment.add_evidencestatement"):
        return _("You may not write statements.")
    if record.unit_id != user_unit_id(user):
        return _("Only the users of the unit a failure is recorded against may answer it.")
    if not record.is_failure:
        return _(
            "Only deductions, disqualifications and veto events are answered with a statement."
        )
    return None


@rules.predicate
def is_own_record(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and user_unit_id(user) == record.unit_id


@rules.predicate
def leads_record_indicator(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and leads_indicator(user, record.indicator)


@rules.predicate
def provides_record_indicator(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and provides_indicator(user, record.indicator)


@rules.predicate
def may_record(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and record_refusal(user, record) is None


@rules.predicate
def may_verify(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and evidence_verify_refusal(user, record) is None


@rules.predicate
def may_answer(user: AnyUser, record: Evidence | None) -> bool:
    return record is not None and evidence_statement_refusal(user, record) is None


sees_every_record = is_admin | is_office | is_leader | is_supervision
rules.add_perm(
    "assessment.view_evidence",
    is_staff_member
    & (sees_every_record | is_own_record | leads_record_indicator | provides_record_indicator),
)
# The object of these three is the record (for add: an unsaved one naming unit and indicator).
rules.add_perm("assessment.add_evidence", may_record)
rules.add_perm("assessment.verify_evidence", may_verify)
rules.add_perm("assessment.add_evidencestatement", may_answer)


# --- Key projects -----------------------------------------------------------------------------


@rules.predicate
def works_on_project(user: AnyUser, project: KeyProject | None) -> bool:
    """The user's unit is responsible for the project or has a cadre in its team."""
    own = user_unit_id(user)
    if project is None or own is None:
        return False
    if project.unit_id == own or project.lead_cadre.unit_id == own:
        return True
    return project.members.filter(unit_id=own).exists()


def _project_user_refusal(user: AnyUser, project: KeyProject, perm: str) -> str | None:
    """The office, or the users of the responsible unit; the rest in words."""
    if not is_staff_member(user) or not user.has_perm(perm):
        return _("You may not report on key projects.")
    if manages_assessment(user) or project.unit_id == user_unit_id(user):
        return None
    return _("Only the unit responsible for the project and the assessment office report on it.")


def progress_record_refusal(user: AnyUser, task: ProjectTask) -> str | None:
    """Why ``user`` may not report progress on ``task``, or None if they may."""
    return _project_user_refusal(user, task.milestone.project, "assessment.add_progressupdate")


def contribution_record_refusal(user: AnyUser, project: KeyProject) -> str | None:
    """Why ``user`` may not propose contribution points on ``project``, or None if they may."""
    return _project_user_refusal(user, project, "assessment.add_contribution")


def progress_verify_refusal(user: AnyUser, update: ProgressUpdate) -> str | None:
    """Verifiers of progress: the office and supervision (督查), outside the project's unit."""
    if not is_staff_member(user) or not user.has_perm("assessment.verify_progressupdate"):
        return _("Only the assessment office and supervision verify key-project progress.")
    return outsider_refusal(user, update.task.milestone.project.unit_id, update.recorded_by_id)


def contribution_verify_refusal(user: AnyUser, contribution: Contribution) -> str | None:
    """Contribution points count for the cadre's score: verified by the office only."""
    if not is_staff_member(user) or not user.has_perm("assessment.verify_contribution"):
        return _("Only the assessment office verifies contribution points.")
    return outsider_refusal(user, contribution.project.unit_id, contribution.recorded_by_id)


rules.add_perm("assessment.view_keyproject", is_staff_member & (sees_all_units | works_on_project))


# --- Objections and publications --------------------------------------------------------------


def objection_file_refusal(user: AnyUser, unit: Unit) -> str | None:
    """Why ``user`` may not object to a score of ``unit``, or None if they may (the year's state
    and the indicator are the service's to judge)."""
    if not is_staff_member(user):
        return _("You may not file objections.")
    if user_unit_id(user) != unit.pk:
        return _("Only the users of a unit may object to its scores.")
    return None


@rules.predicate
def is_own_objection(user: AnyUser, objection: Objection | None) -> bool:
    return objection is not None and user_unit_id(user) == objection.unit_id


rules.add_perm("assessment.view_objection", is_staff_member & (sees_all_units | is_own_objection))
rules.add_perm("assessment.resolve_objection", manages_assessment)
rules.add_perm("assessment.view_publication", is_staff_member)
# The whole published document names persons (teams and cadres): the office and leaders only.
rules.add_perm("assessment.download_publication", is_admin | is_office | is_leader)


# --- democratic evaluation rounds: about persons, so the office and district leaders only ------
rules.add_perm("assessment.view_evaluationround", is_admin | is_office | is_leader)
rules.add_perm("assessment.manage_evaluationround", manages_assessment)


# Three-colour warnings: a unit's notices, reports and leaders' instructions are read by its
# own users and by everyone who sees every unit; the writes check their roles in the service.
@rules.predicate
def is_own_unit_record(user: AnyUser, record: Any) -> bool:
    return record is not None and user_unit_id(user) == record.unit_id


rules.add_perm(
    "assessment.view_warningnotice", is_staff_member & (sees_all_units | is_own_unit_record)
)
rules.add_perm(
    "assessment.view_instruction", is_staff_member & (sees_all_units | is_own_unit_record)
)
