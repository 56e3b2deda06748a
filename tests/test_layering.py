"""The apps depend one way, ``reports → assessment → units``, and inside ``assessment`` the
layers keep to their jobs. A module that imports against the grain fails here, naming itself.

Only real imports count (read from the syntax tree, also inside functions), not words in
docstrings or comments.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# For each package: the top-level packages it must never import.
FORBIDDEN = {
    "units": {"assessment", "reports"},
    "assessment": {"reports"},
    # The scoring engine is plain Python: the same numbers with or without Django.
    "assessment/scoring": {"django", "assessment.models", "assessment.services", "units"},
    # Reads never write: selectors use models, never services.
    "assessment/selectors": {"assessment.services", "assessment.views", "assessment.forms"},
    # Services write and are called by views, commands and the import layer; never the reverse.
    "assessment/services": {"assessment.views", "assessment.forms", "assessment.urls"},
}


def imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if "." not in node.module:  # `from assessment import services` names a module
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(package: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in sorted(imported_names(path)):
            for banned in forbidden:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(ROOT)} imports {name}")
                    break
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_against_the_layers(package):
    assert violations(package, FORBIDDEN[package]) == []


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a lower app's module importing a higher app is reported."""
    fake = tmp_path / "units"
    fake.mkdir()
    (fake / "bad.py").write_text(
        "def f():\n    from assessment.models import Publication\n    return Publication\n"
    )
    (fake / "fine.py").write_text('"""Mentions assessment.models in prose only."""\n')
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert violations("units", {"assessment", "reports"}) == [
        "units/bad.py imports assessment.models",
    ]
