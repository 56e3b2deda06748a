"""The draft schemes' rows of the access matrix (merged in ``tests.access_matrix_all``).

Drafts and the balance of a scheme are the assessment office's working papers: only the
office and administrators open them. The draft is made from 2026 by the world's office user
the first time a row needs it.
"""

from __future__ import annotations

from typing import Any

from assessment.models import DraftScheme
from assessment.services.drafts import draft_create
from tests.access_matrix import Row, World, _year, everyone, office_only


def _draft(w: World) -> dict[str, Any]:
    draft = DraftScheme.objects.filter(year=w.year, name="矩阵草稿").first()
    if draft is None:
        draft = draft_create(year=w.year, name="矩阵草稿", by=w.users["office"])
    return {"pk": draft.pk}


MATRIX_DRAFTS: dict[str, Row] = {
    "assessment:draft_list": (_year, office_only()),
    "assessment:year_balance": (_year, office_only()),
    "assessment:draft_edit": (_draft, office_only()),
    "assessment:draft_compare": (_draft, office_only()),
    "assessment:draft_export": (_draft, office_only()),
    "assessment:draft_balance": (_draft, office_only()),
    "assessment:draft_indicator_add": (_draft, everyone(405)),
    "assessment:draft_indicator_remove": (_draft, everyone(405)),
    "assessment:draft_copy": (_draft, everyone(405)),
    "assessment:draft_delete": (_draft, everyone(405)),
    "assessment:draft_adopt": (_draft, everyone(405)),
}
