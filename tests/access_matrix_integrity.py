"""The rows of the access matrix for honest numbers (merged in ``tests.access_matrix_all``): the
integrity review queue and the data sources (一数一源)."""

from __future__ import annotations

from tests.access_matrix import Row, _year, everyone, office_only

MATRIX_INTEGRITY: dict[str, Row] = {
    # --- the integrity review queue: the office's (the world has no signal: 404 for it)
    # (supervision reads the confirmed signals it records a failure for)
    "assessment:integrity_queue": (_year, office_only(supervision=200)),
    "assessment:integrity_compute": (_year, everyone(405)),
    "assessment:integrity_signal": (
        lambda w: {"year": 2026, "pk": 1},
        office_only(office=404, admin=404, supervision=404),
    ),
    "assessment:integrity_failure": (
        lambda w: {"year": 2026, "pk": 1},
        office_only(office=404, admin=404, supervision=404),
    ),
    # --- every record with its provenance (names and addresses): the office's export
    "assessment:records_export": (lambda w: {"year": 2026, "fmt": "xlsx"}, office_only()),
    # --- data sources (一数一源): every source's figures for the office and leaders, a source
    # unit's own (the world has none, so 403 for the units); the differences the office's
    "assessment:source_index": (_year, office_only(leader=200)),
    "assessment:source_differences": (_year, office_only()),
}
