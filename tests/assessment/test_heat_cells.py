"""The heat map's cells, written in Python (``assessment/templatetags/heat.py``): the same
links and words as the template wrote them, for any code."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import translation

from assessment.scoring.colours import Colour
from assessment.templatetags.heat import colour_badge, heat_cells
from assessment.templatetags.record_links import records_url


@dataclass
class Row:
    code: str
    cells: list[tuple[str, Colour | None]]


def test_a_row_links_each_coloured_cell_to_its_records() -> None:
    with translation.override("zh-hans"):
        html = heat_cells(2026, Row("ZJ01", [("GDP", Colour.RED), ("TAX", None)]))

    url = reverse(
        "assessment:indicator_records", kwargs={"year": 2026, "unit": "ZJ01", "indicator": "GDP"}
    )
    assert url == "/years/2026/units/ZJ01/records/GDP/"
    assert html == (
        f'<td><a href="{url}" class="text-decoration-none" data-indicator="GDP">'
        '<span class="badge text-bg-danger" data-colour="red">红灯</span></a></td>'
        '<td><span class="text-muted">—</span></td>'
    )


def test_a_code_of_other_characters_is_reversed_and_escaped() -> None:
    for unit, indicator in [("镇01", "GDP"), ("ZJ01", "R&D"), ("A b", 'x"y')]:
        expected = reverse(
            "assessment:indicator_records",
            kwargs={"year": 2026, "unit": unit, "indicator": indicator},
        )
        assert records_url(2026, unit, indicator) == expected

    html = heat_cells(2026, Row("ZJ01", [('R&D"', Colour.GREEN)]))
    assert 'data-indicator="R&amp;D&quot;"' in html
    assert 'href="/years/2026/units/ZJ01/records/R&amp;D%22/"' in html


def test_the_badges_say_the_colour_in_words() -> None:
    with translation.override("en"):
        assert colour_badge(Colour.YELLOW) == (
            '<span class="badge text-bg-warning" data-colour="yellow">yellow</span>'
        )
    assert colour_badge(None) == '<span class="text-muted">—</span>'
