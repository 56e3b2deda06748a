"""A published result is frozen: no door changes it except a formal review (复核).

Each door is tried on a published year — the admin, the staff pages, the import layer and the
command line — and each refuses with a clear message and changes nothing. The publication
itself is written once: the model, its queryset and a database trigger refuse to change it.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from assessment.imports import workbook_import
from assessment.lib.digest import inputs_digest
from assessment.models import (
    ComputationRun,
    Evidence,
    Grade,
    Indicator,
    Publication,
    Target,
    YearStatus,
)
from assessment.services.compute import year_data
from assessment.services.publication import publish
from tests.assessment.workflow import build_district, open_publicity
from tests.imports_helpers import write_xlsx, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]

TARGETS = ["年度", "单位代码", "指标代码", "目标值"]
EVIDENCE = ["单位代码", "指标代码", "日期", "数值", "说明", "状态"]
FROZEN = "The 2026 results are published and cannot change"


@pytest.fixture
def published(town, unit_a, unit_b, office_user):
    year = build_district(town, unit_a, unit_b, office_user)
    open_publicity(year, office_user)
    publish(year=year, by=office_user, confirm_early=True)
    year.refresh_from_db()
    assert year.status == YearStatus.PUBLISHED
    return year


def _state(year):
    """Everything a change could touch: the inputs' digest, the runs, the publication."""
    year.refresh_from_db()
    publication = Publication.objects.get(year=year)
    return (
        year.status,
        inputs_digest(year_data(year).inputs),
        ComputationRun.objects.filter(year=year).count(),
        Evidence.objects.count(),
        publication.sha256,
        publication.document == Publication.objects.get(pk=publication.pk).document,
    )


@pytest.fixture
def frozen(published):
    """The state before the attempt, checked unchanged after the test."""
    before = _state(published)
    yield published
    assert _state(published) == before


# --- the admin --------------------------------------------------------------------------------


def _said_by_admin(client, user, row, values):
    """What the admin's change form of ``row``, sent with ``values`` and a reason, says on top."""
    client.force_login(user)
    url = reverse(f"admin:assessment_{row._meta.model_name}_change", args=[row.pk])
    response = client.post(url, {**values, "amendment_reason": "改一下"})
    assert response.status_code == 200
    return str(response.context["adminform"].form.non_field_errors())


def test_the_admin_refuses_to_change_a_target(client, office_user, frozen, unit_a):
    target = Target.objects.get(unit=unit_a)
    values = {"indicator": target.indicator_id, "unit": unit_a.pk, "target": "1"}
    assert FROZEN in _said_by_admin(
        client, office_user, target, values | {"base": "", "leader": ""}
    )
    target.refresh_from_db()
    assert target.target == 500


def test_the_admin_refuses_to_change_a_grade(client, office_user, frozen, unit_a):
    grade = Grade.objects.get(unit=unit_a)
    values = {"indicator": grade.indicator_id, "unit": unit_a.pk, "grade": "A", "reason": "改评"}
    assert FROZEN in _said_by_admin(client, office_user, grade, values)
    assert client.post(reverse("admin:assessment_grade_delete", args=[grade.pk])).status_code == 403


def test_the_admin_never_edits_evidence_nor_a_publication(client, office_user, frozen):
    client.force_login(office_user)
    record = Evidence.objects.first()
    change = reverse("admin:assessment_evidence_change", args=[record.pk])
    assert client.post(change, {"value": "9"}).status_code == 403
    publication = Publication.objects.get()
    assert client.get(reverse("admin:assessment_publication_changelist")).status_code == 200
    change = reverse("admin:assessment_publication_change", args=[publication.pk])
    assert client.post(change, {"reason": "改"}).status_code == 403
    delete = reverse("admin:assessment_publication_delete", args=[publication.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_the_admin_refuses_to_change_the_years_parameters(client, office_user, frozen):
    client.force_login(office_user)
    url = reverse("admin:assessment_assessmentyear_change", args=[frozen.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"bonus_pool": "1", "amendment_reason": "改一下"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert FROZEN in str(response.context["adminform"].form.non_field_errors())


# --- the staff pages --------------------------------------------------------------------------


def test_the_targets_form_refuses(client, office_user, frozen):
    client.force_login(office_user)
    url = reverse("assessment:targets", args=[2026, "A01"])
    assert not client.get(url).context["editable"]
    gdp = Indicator.objects.get(code="E01")
    response = client.post(url, {f"target-{gdp.pk}": "1", "reason": "改"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"{FROZEN}: to change targets, the assessment office must first open a formal review "
        "(复核)."
    ]


def test_the_grading_grid_refuses(client, office_user, frozen):
    party = Indicator.objects.get(code="G01")
    client.force_login(office_user)
    url = reverse("assessment:grading_grid", args=[2026, party.pk])
    page = client.get(url)
    assert FROZEN in page.context["closed"]
    response = client.post(url, {"A01-grade": "A", "A01-reason": "改评", "B01-grade": "A"})
    assert FROZEN in " ".join(response.context["form"].non_field_errors())


def test_the_evidence_form_refuses(client, office_user, frozen):
    gdp = Indicator.objects.get(code="E01")
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:evidence_record", args=[2026, "A01"]),
        {
            "indicator": gdp.pk, "date": "2026-10-01", "value": "99", "description": "补录",
            "late_reason": "补录",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert FROZEN in response.content.decode()


def test_the_compute_button_refuses(client, office_user, frozen):
    client.force_login(office_user)
    assert (
        client.get(reverse("assessment:results", args=[2026, "town"])).context["compute_form"]
        is None
    )
    response = client.post(
        reverse("assessment:compute", args=[2026]), {"reason": "再算一次"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"{FROZEN}: to compute results, the assessment office must first open a formal review "
        "(复核)."
    ]


# --- the import layer and the command line ----------------------------------------------------


def test_the_import_layer_refuses_targets_and_evidence(frozen, office_user):
    targets = workbook_import(
        kind="targets",
        data=xlsx_bytes([TARGETS, [2026, "A01", "E01", 1]]),
        file_name="targets.xlsx",
        user=office_user,
        reason="改",
    )
    assert not targets.committed and FROZEN in str(targets.errors[0])
    evidence = workbook_import(
        kind="evidence",
        data=xlsx_bytes([EVIDENCE, ["A01", "E01", "2026-10-01", 99, "补录", "已核实"]]),
        file_name="evidence.xlsx",
        user=None,  # the command line: the office's rights, the year's policy all the same
        reason="补录",
    )
    assert not evidence.committed and FROZEN in str(evidence.errors[0])


def test_the_command_line_refuses(frozen, tmp_path):
    with pytest.raises(CommandError, match=FROZEN):
        call_command("compute_scores", year=2026, reason="再算")
    path = write_xlsx(tmp_path, "targets.xlsx", [TARGETS, [2026, "A01", "E01", 1]])
    with pytest.raises(CommandError):
        call_command("import_workbook", "targets", str(path), reason="改", stderr=io.StringIO())
    with pytest.raises(CommandError, match="cannot go from"):
        call_command("year_status", year=2026, to="scoring")
    with pytest.raises(CommandError, match="already in the state"):
        call_command("year_status", year=2026, to="published", confirm_early=True)


# --- the publication itself -------------------------------------------------------------------


def test_a_publication_is_never_changed_nor_deleted(frozen):
    publication = Publication.objects.get()
    publication.reason = "改"
    with pytest.raises(ValidationError, match="cannot be changed"):
        publication.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        publication.delete()
    with pytest.raises(ValidationError, match="cannot be changed"):
        Publication.objects.filter(pk=publication.pk).update(reason="改")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        Publication.objects.filter(pk=publication.pk).delete()


def test_the_database_refuses_to_update_a_publication(frozen):
    """Below the ORM, a trigger (migration 0008) refuses raw SQL too."""
    table = Publication._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET reason = 'x'")
    if connection.vendor == "postgresql":  # SQLite's flush deletes rows: no delete trigger there
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table}")


def test_the_freeze_ends_only_with_a_formal_review(client, office_user, published):
    from assessment.services.year import year_transition

    year_transition(year=published, to=YearStatus.REVIEW, by=office_user, reason="市里通知复核")
    grade = Grade.objects.get(unit__code="A01")
    party = Indicator.objects.get(code="G01")
    client.force_login(office_user)
    response = client.post(
        reverse("assessment:grading_grid", args=[2026, party.pk]),
        {
            "A01-grade": "A", "A01-reason": "复核改评", "B01-grade": "A", "B01-reason": "原评",
            "amendment_reason": "复核：改评A",
        },
    )  # fmt: skip
    assert response.status_code == 302
    grade.refresh_from_db()
    assert grade.grade == "A"
    assert grade.history.first().history_change_reason == "复核：改评A"
    # the published version stays as it was until a new one is published
    assert Publication.objects.get().document["units"][0]["indicators"]["G01"] == "34.00"
