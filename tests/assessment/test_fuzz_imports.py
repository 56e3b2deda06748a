"""Fuzzing the workbook import layer: whatever the file, a preview answers in words.

``workbook_preview`` must never raise for a problem of the file or its rows: a file that is
not a workbook, a damaged one, or a sheet of nonsense all come back as a ``Preview`` whose
errors say what is wrong (with the Excel row, or None for the whole file), and a preview
writes nothing but its ``ImportLog``.
"""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessment.imports import KINDS, Preview, workbook_preview
from tests.imports_helpers import imported_models, make_scheme, xlsx_bytes

pytestmark = pytest.mark.django_db

# Function-scoped database fixtures are shared by the examples of one test: a preview writes
# nothing they depend on, so that is what we want here.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(town, economic, unit_a, unit_b, lead_unit, cadres):
    """A realistic small district: two towns, a lead unit, cadres and a 2026 scheme."""
    return make_scheme(year=2026, status="setup", town=town, economic=economic, lead_unit=lead_unit)


@pytest.fixture(scope="module")
def valid_targets() -> bytes:
    return xlsx_bytes(
        [
            ["年度", "单位代码", "指标代码", "目标值", "基数", "责任领导"],
            [2026, "A01", "GDP", 120, 100, "张三"],
            [2026, "B01", "GDP", 90, None, None],
        ]
    )


def _counts() -> dict[str, int]:
    """The rows of every model an import writes: what a preview never touches."""
    return {model.__name__: model.objects.count() for model in imported_models()}


def _assert_refused_in_words(preview: Preview) -> None:
    assert isinstance(preview, Preview)
    assert preview.errors, "a broken file must be refused with a reason"
    for error in preview.errors:
        assert isinstance(error.message, str) and error.message.strip()
        assert isinstance(str(error), str) and str(error).strip()


# --- (a) files that are not (or no longer) workbooks -----------------------------------------


@FUZZ
@given(data=st.binary(max_size=4096), name=st.sampled_from(["x.xlsx", "目标.xlsx", "a.xls", ""]))
def test_random_bytes_are_refused_in_words(world, data, name):
    before = _counts()
    preview = workbook_preview(kind="targets", data=data, file_name=name, user=None)
    _assert_refused_in_words(preview)
    assert _counts() == before


@FUZZ
@given(cut=st.floats(min_value=0, max_value=1, exclude_max=True))
def test_a_truncated_workbook_is_refused_in_words(world, valid_targets, cut):
    data = valid_targets[: int(len(valid_targets) * cut)]
    before = _counts()
    preview = workbook_preview(kind="targets", data=data, file_name="t.xlsx", user=None)
    _assert_refused_in_words(preview)
    assert _counts() == before


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), max_size=8))
def test_a_workbook_with_flipped_bits_never_raises(world, valid_targets, flips):
    data = bytearray(valid_targets)
    for where, bit in flips:
        data[int(where * len(data))] ^= 1 << bit
    before = _counts()
    preview = workbook_preview(kind="targets", data=bytes(data), file_name="t.xlsx", user=None)
    assert isinstance(preview, Preview)
    # flips in slack bytes (unused header fields) may leave the file readable and valid
    for error in preview.errors:
        assert isinstance(error.message, str) and error.message.strip()
    assert _counts() == before


# --- (b) real workbooks full of nonsense -----------------------------------------------------

codes = st.sampled_from(["A01", "B01", "JJ01", "ZZ99", "GDP", "SAT", "RANK", "PARTY", "AWARD"])
names = st.sampled_from(["张三", "李四", "王五", "town", "economic", "镇街", "completion", "测评"])
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=8)
full_width_digits = st.text(alphabet="０１２３４５６７８９．，％", min_size=1, max_size=8)
formula_like = st.sampled_from(["=1+1", "=SUM(A1:A3)", "=A1", '=HYPERLINK("http://x")', "=1/0"])
odd_text = st.sampled_from(
    ["NaN", "nan", "inf", "-Infinity", "1e400", "85%", "1.5分", "2026年1月2日", "   ", "#N/A", "A"]
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 2026, 2025, 1, 100, 0.3, 1e15, -1e15, 1e300]),
)
dates = st.one_of(
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
)
cells = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    dates,
    codes,
    names,
    chinese,
    full_width_digits,
    formula_like,
    odd_text,
    # any printable text (openpyxl refuses control characters in a cell)
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20).filter(
        lambda s: not s.startswith("=")
    ),
)


@st.composite
def sheets(draw, kind_name: str) -> list[list[object]]:
    headers: list[object] = [column.header for column in KINDS[kind_name].columns]
    shape = draw(st.sampled_from(["as is", "shuffled", "dropped", "unknown", "english"]))
    if shape == "shuffled":
        headers = draw(st.permutations(headers))
    elif shape == "dropped":
        headers.pop(draw(st.integers(0, len(headers) - 1)))
    elif shape == "unknown":
        headers.insert(draw(st.integers(0, len(headers))), draw(st.sampled_from(["备注", "x", ""])))
    elif shape == "english":
        headers = [column.key for column in KINDS[kind_name].columns]
    width = len(headers)
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=20))
    return [headers, *rows]


def _check_sheet(rows: list[list[object]], kind_name: str) -> Preview:
    data = xlsx_bytes(rows)
    before = _counts()
    preview = workbook_preview(kind=kind_name, data=data, file_name="fuzz.xlsx", user=None)
    assert isinstance(preview, Preview)
    last_row = len(rows)  # the header is row 1, the data rows 2 … len(rows)
    for error in preview.errors:
        assert error.row is None or 1 <= error.row <= last_row, error
        assert isinstance(error.message, str) and error.message.strip(), error
        str(error)  # words, in the active language
    for row in preview.rows:
        assert 2 <= row.number <= last_row
    assert _counts() == before, "a preview must not write"
    assert preview.committed is False
    return preview


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_random_sheets_of_every_kind_are_previewed_without_an_exception(world, kind_name):
    @FUZZ
    @given(rows=sheets(kind_name))
    def check(rows):
        preview = _check_sheet(rows, kind_name)
        event("rows compared" if preview.rows else "refused as a whole")

    check()


def test_a_sheet_with_a_float_that_is_not_finite_is_previewed(world):
    """Excel cannot hold NaN or ∞, but a file can still claim them."""
    for value in (math.inf, -math.inf, math.nan):
        _check_sheet(
            [["年度", "单位代码", "指标代码", "目标值"], [2026, "A01", "GDP", value]], "targets"
        )
