"""The labels of a record's status and an indicator's method, read from the choices: word for
word what Django's ``get_…_display()`` says, in either language, and the raw value for a value
outside the choices."""

from __future__ import annotations

import pytest
from django.utils import translation

from assessment.models import Evidence, EvidenceStatus, Indicator, MethodChoices


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_status_and_method_reads_as_django_says_it(language: str) -> None:
    with translation.override(language):
        for status in EvidenceStatus.values:
            record = Evidence(status=status)
            assert record.status_label == record.get_status_display()
        for method in MethodChoices.values:
            indicator = Indicator(method=method)
            assert indicator.method_label == indicator.get_method_display()


def test_the_chinese_words_are_the_glossarys() -> None:
    with translation.override("zh-hans"):
        assert Evidence(status=EvidenceStatus.VERIFIED).status_label == "已核实"
        assert Evidence(status=EvidenceStatus.PENDING).status_label == "待核实"


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    assert Evidence(status="archived").status_label == "archived"
    assert Indicator(method="lottery").method_label == "lottery"
