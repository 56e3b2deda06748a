"""``manage.py send_reminders``: the daily digest, on the hand-worked district of
``test_reminders_work`` (20 April 2026), through the locmem mail backend."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.models import AssessmentYear
from reports.models import ReminderLog
from tests.factories import UserFactory
from tests.reports import test_reminders_work as work
from units.roles import Role

pytestmark = pytest.mark.django_db

reminders_district = work.reminders_district
unit_c = work.unit_c


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: work.TODAY)


@pytest.fixture
def people(reminders_district, unit_a, unit_b, unit_c, lead_unit):
    """Who has an e-mail address: the office, B01's and C01's reporters, the lead department,
    A01's reporter (nothing to do), a leader (acts on nothing) and an administrator without a
    role; C01 has a second reporter without an address and an inactive one."""
    return {
        "office": UserFactory(username="office", role=Role.OFFICE, unit=None, email="o@x.cn"),
        "b": UserFactory(username="b", role=Role.REPORTER, unit=unit_b, email="b@x.cn"),
        "c": UserFactory(username="c", role=Role.REPORTER, unit=unit_c, email="c@x.cn"),
        "lead": UserFactory(username="lead", role=Role.LEAD, unit=lead_unit, email="l@x.cn"),
        "a": UserFactory(username="a", role=Role.REPORTER, unit=unit_a, email="a@x.cn"),
        "leader": UserFactory(username="leader", role=Role.LEADER, unit=None, email="d@x.cn"),
        "admin": UserFactory(
            username="admin", unit=None, is_superuser=True, is_staff=True, email="r@x.cn"
        ),
        "c2": UserFactory(username="c2", role=Role.REPORTER, unit=unit_c, email=""),
        "c3": UserFactory(
            username="c3", role=Role.REPORTER, unit=unit_c, email="c3@x.cn", is_active=False
        ),
    }


def run(**options):
    out = io.StringIO()
    call_command("send_reminders", stdout=out, **options)
    return out.getvalue()


def test_a_dry_run_lists_the_digests_and_sends_nothing(people, settings):
    settings.REMINDER_EMAILS = False  # a dry run works whatever the setting

    out = run(dry_run=True)

    assert mail.outbox == [] and not ReminderLog.objects.exists()
    *lines, total = out.splitlines()
    # (address, overdue, due soon): B01's and C01's reporters their unit's months, the lead
    # department its two and its own unit's months, the office its five; nobody else.
    assert [(re.split("[:：]", line)[0], re.findall(r"\d+", line)) for line in lines] == [
        ("b@x.cn", ["1", "0"]),
        ("c@x.cn", ["1", "0"]),
        ("l@x.cn", ["3", "0"]),
        ("o@x.cn", ["5", "0"]),
    ]
    assert re.findall(r"\d+", total) == ["4"]


def test_each_person_gets_one_digest_a_day_in_chinese(people, settings):
    settings.REMINDER_EMAILS = True
    settings.SITE_URL = "https://kaohe.example.cn/"

    out = run()

    assert sorted(m.to[0] for m in mail.outbox) == ["b@x.cn", "c@x.cn", "l@x.cn", "o@x.cn"]
    assert "4" in out
    [to_b] = [m for m in mail.outbox if m.to == ["b@x.cn"]]
    assert "2026年2月" in to_b.body and "乙镇" in to_b.body
    assert "https://kaohe.example.cn/years/2026/units/B01/" in to_b.body
    assert "https://kaohe.example.cn/reminders/2026/" in to_b.body
    assert "丙镇" not in to_b.body  # only their own unit's
    assert to_b.from_email == settings.DEFAULT_FROM_EMAIL
    [to_office] = [m for m in mail.outbox if m.to == ["o@x.cn"]]
    assert "固定资产投资（E02）" in to_office.body
    logs = ReminderLog.objects.order_by("email")
    assert [(log.email, log.overdue, log.day) for log in logs] == [
        ("b@x.cn", 1, work.TODAY),
        ("c@x.cn", 1, work.TODAY),
        ("l@x.cn", 3, work.TODAY),
        ("o@x.cn", 5, work.TODAY),
    ]

    # The same day again: nothing.
    mail.outbox.clear()
    second = run()
    assert mail.outbox == [] and "4" in second
    assert ReminderLog.objects.count() == 4


def test_the_digest_is_in_the_sites_language_whatever_is_active(people, settings):
    settings.REMINDER_EMAILS = True
    with translation.override("en"):  # e.g. a shell in English
        run()

    message = next(m for m in mail.outbox if m.to == ["c@x.cn"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Assessment reminders: %(overdue)s overdue, %(soon)s due soon") % {
            "overdue": 1,
            "soon": 0,
        }
        year = str(AssessmentYear.objects.get(year=2026))
    assert message.subject == subject
    assert year in message.body  # "2026 年度考核"
    assert "2026年1月、2026年2月、2026年3月" in message.body


def test_a_new_day_sends_again(people, settings, monkeypatch):
    settings.REMINDER_EMAILS = True
    run()
    monkeypatch.setattr(timezone, "localdate", lambda *args: work.TODAY + datetime.timedelta(1))
    mail.outbox.clear()

    run()

    assert len(mail.outbox) == 4


def test_nothing_is_sent_while_the_setting_is_off(people, settings):
    settings.REMINDER_EMAILS = False

    out = run()

    assert mail.outbox == [] and not ReminderLog.objects.exists()
    assert "REMINDER_EMAILS" in out


def test_one_year_only_and_an_unknown_year(people, settings):
    settings.REMINDER_EMAILS = True
    run(year=2025 + 1)
    assert len(mail.outbox) == 4
    with pytest.raises(CommandError):
        run(year=2030)


def test_a_failed_sending_is_tried_again_by_the_next_run(people, settings, monkeypatch):
    from django.core.mail import EmailMessage

    settings.REMINDER_EMAILS = True

    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(CommandError):
        run()
    assert not ReminderLog.objects.exists()

    monkeypatch.undo()
    monkeypatch.setattr(timezone, "localdate", lambda *args: work.TODAY)
    run()
    assert len(mail.outbox) == 4
