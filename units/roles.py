"""The five roles of the system, as Django groups with real permissions.

A role is a group; its model permissions are listed here and applied to the group after every
migration (see ``apps.UnitsConfig``), so the code and the database never disagree. What a role
may do to one particular object is decided in ``units.access``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Assessment office")
    LEAD = "lead", _("Lead department")
    REPORTER = "reporter", _("Unit reporter")
    SUPERVISION = "supervision", _("Supervision office")
    LEADER = "leader", _("District leader")


# The group names are what a district sees in the admin; they are data, kept in Chinese.
GROUP_NAMES: dict[Role, str] = {
    Role.OFFICE: "考核办",
    Role.LEAD: "牵头单位",
    Role.REPORTER: "单位填报员",
    Role.SUPERVISION: "督查室",
    Role.LEADER: "区领导",
}
ROLE_BY_GROUP_NAME = {name: role for role, name in GROUP_NAMES.items()}

_READ_UNITS = {"units.view_unitcategory", "units.view_unit", "units.view_cadre"}
_READ_SCHEME = {
    "assessment.view_assessmentyear",
    "assessment.view_indicator",
    "assessment.view_target",
    "assessment.view_evidence",
    "assessment.view_evidencestatement",
    "assessment.view_evidenceattachment",
    # Key projects: which ones each user sees is assessment.access's rule.
    "assessment.view_keyproject",
    "assessment.view_milestone",
    "assessment.view_projecttask",
    "assessment.view_progressupdate",
    "assessment.view_contribution",
}
# Recording evidence comes with its attachments; which units and indicators: assessment.access.
_RECORD_EVIDENCE = {"assessment.add_evidence", "assessment.add_evidenceattachment"}
# The unit responsible for a key project reports its progress and proposes contribution points.
_REPORT_PROJECTS = {"assessment.add_progressupdate", "assessment.add_contribution"}
_ASSESSMENT_INPUTS = ["cityrank", "grade", "surveyrate", "teamevaluation", "cadreevaluation"]
_READ_ALL_ASSESSMENT = (
    _READ_SCHEME
    | {
        f"assessment.view_{model}"
        for model in [
            *_ASSESSMENT_INPUTS,
            "periodtarget",  # changed through the targets form and workbook, never the admin
            "computationrun",
            "unitresult",
            "teamresult",
            "cadreresult",
            "importlog",
        ]
    }
    | {"reports.view_progressbulletin"}
)
_OFFICE_ASSESSMENT = (
    _READ_ALL_ASSESSMENT
    | {
        f"assessment.{action}_{model}"
        for action in ("add", "change", "delete")
        for model in [
            "assessmentyear",
            "indicator",
            "target",
            *_ASSESSMENT_INPUTS,
            "keyproject",
            "milestone",
            "projecttask",
        ]
    }
    | {
        *_RECORD_EVIDENCE,
        *_REPORT_PROJECTS,
        "assessment.verify_evidence",
        "assessment.verify_progressupdate",
        "assessment.verify_contribution",
        "assessment.compute_results",
        "assessment.publish_results",
    }
)

# Evaluation rounds, their results and the satisfaction surveys: read in the admin by the office
# (they are run on the staff pages; ballots are never shown anywhere one by one).
_OFFICE_EVALUATIONS = {
    f"assessment.view_{model}"
    for model in [
        "evaluationround",
        "ratergroup",
        "question",
        "roundsubject",
        "roundresult",
        "survey",
        "surveyquestion",
        "surveycodebatch",
        "surveyresponse",
    ]
}

# Model permissions per role, as "app_label.codename". Later apps add theirs here.
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.OFFICE: _READ_UNITS
    | _OFFICE_ASSESSMENT
    | _OFFICE_EVALUATIONS
    | {
        "units.add_unitcategory",
        "units.change_unitcategory",
        "units.add_unit",
        "units.change_unit",
        "units.delete_unit",
        "units.add_cadre",
        "units.change_cadre",
        "units.delete_cadre",
        "units.view_membership",
        "units.add_membership",
        "units.change_membership",
    },
    # Lead departments assess their own indicators in every unit (which ones: units.access).
    Role.LEAD: _READ_UNITS
    | _READ_SCHEME
    | {f"assessment.{a}_{m}" for a in ("view", "add", "change") for m in _ASSESSMENT_INPUTS[:3]}
    | _RECORD_EVIDENCE
    | _REPORT_PROJECTS
    | {"assessment.verify_evidence", "assessment.add_evidencestatement"},
    # A unit answers a failure recorded against it with a statement (情况说明).
    Role.REPORTER: _READ_UNITS
    | _READ_SCHEME
    | _RECORD_EVIDENCE
    | _REPORT_PROJECTS
    | {"assessment.add_evidencestatement"},
    # Supervision (督查) records failures and checks key projects' progress on the ground.
    Role.SUPERVISION: _READ_UNITS
    | _READ_SCHEME
    | _RECORD_EVIDENCE
    | {"assessment.verify_progressupdate"},
    Role.LEADER: _READ_UNITS | _READ_ALL_ASSESSMENT | {"units.view_membership"},
}


def sync_role_groups(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    from django.contrib.auth.models import Group

    for role, group_name in GROUP_NAMES.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role], using=using))


def _permissions(names: Iterable[str], *, using: str) -> list:
    from django.contrib.auth.models import Permission

    wanted = {tuple(name.split(".", 1)) for name in names}
    found = [
        permission
        for permission in Permission.objects.using(using).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Role permissions that do not exist: {sorted(missing)}")
    return found
