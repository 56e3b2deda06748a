"""The navigation bar meets WCAG 2 AA contrast (4.5:1 for normal text), computed from the
colours the project's CSS gives it (Bootstrap's navbar-dark on bg-primary does not)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE_CSS = ROOT / "static" / "css" / "site.css"
BASE = ROOT / "templates" / "base.html"
AA = 4.5


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    r, g, b = (_channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def parse_colour(text: str) -> tuple[tuple[float, float, float], float]:
    """A CSS colour as written in site.css: #rrggbb or rgba(r, g, b, a)."""
    text = text.strip()
    if match := re.fullmatch(r"#([0-9a-fA-F]{6})", text):
        digits = match.group(1)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)), 1.0
    if match := re.fullmatch(r"rgba?\(([^)]*)\)", text):
        parts = [float(p) for p in match.group(1).split(",")]
        return (parts[0], parts[1], parts[2]), parts[3] if len(parts) == 4 else 1.0
    raise ValueError(text)


def over(colour: str, background: tuple[float, float, float]) -> tuple[float, float, float]:
    """A translucent text colour as it shows on the background."""
    rgb, alpha = parse_colour(colour)
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip(rgb, background, strict=True))


def navbar_rule() -> dict[str, str]:
    css = SITE_CSS.read_text(encoding="utf-8")
    body = re.search(r"\.navbar-site\s*\{([^}]*)\}", css).group(1)
    return {
        name.strip(): value.strip()
        for name, value in (line.split(":", 1) for line in body.split(";") if ":" in line)
    }


def test_the_navigation_bar_uses_the_sites_own_colours():
    nav = re.search(r'<nav class="([^"]*)"', BASE.read_text(encoding="utf-8")).group(1).split()
    assert "navbar-site" in nav
    assert "bg-primary" not in nav  # its !important background would win over the site's


@pytest.mark.parametrize(
    "variable",
    [
        "--bs-navbar-color",
        "--bs-navbar-hover-color",
        "--bs-navbar-active-color",
        "--bs-navbar-brand-color",
        "--bs-navbar-brand-hover-color",
    ],
)
def test_every_text_colour_of_the_navigation_bar_meets_aa(variable):
    rule = navbar_rule()
    background, alpha = parse_colour(rule["background-color"])
    assert alpha == 1.0
    assert contrast(over(rule[variable], background), background) >= AA


def test_bootstraps_own_navbar_colours_would_fail():
    """The check measures what axe-core found: 55 % white on #0d6efd."""
    primary = (13, 110, 253)
    assert contrast(over("rgba(255, 255, 255, 0.55)", primary), primary) < AA
