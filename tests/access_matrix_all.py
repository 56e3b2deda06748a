"""The whole access matrix: the core rows and those of the evaluation rounds, the satisfaction
surveys, the reminders, the draft schemes, the warnings and honest numbers, which live in
modules of their own that build on the core module's world and helpers."""

from tests.access_matrix import MATRIX as CORE
from tests.access_matrix import Row
from tests.access_matrix_ballots import MATRIX_BALLOTS
from tests.access_matrix_drafts import MATRIX_DRAFTS
from tests.access_matrix_integrity import MATRIX_INTEGRITY
from tests.access_matrix_reminders import MATRIX_REMINDERS
from tests.access_matrix_surveys import MATRIX_SURVEYS
from tests.access_matrix_warnings import MATRIX_WARNINGS

MATRIX: dict[str, Row] = {
    **CORE,
    **MATRIX_BALLOTS,
    **MATRIX_SURVEYS,
    **MATRIX_REMINDERS,
    **MATRIX_DRAFTS,
    **MATRIX_WARNINGS,
    **MATRIX_INTEGRITY,
}
