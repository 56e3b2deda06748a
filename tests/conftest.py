import os
from typing import Any

import pytest
from django.conf import settings
from django.test.utils import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from devtools.schema import replay_database_operations
from tests.demo_seed import clear_caches, close_seeded_demo, group_demo_modules, shares_the_demo
from tests.factories import CadreFactory, UnitFactory, UserFactory
from tests.postgresql_flush import cheap_flush
from tests.scheduling import make_scheduler
from tests.sqlite_flush import guarded_flush
from units.models import UnitCategory
from units.roles import Role

# Property and fuzz tests draw the same examples on every run, so that a suite that passed
# passes again (CI lands only what is green); HYPOTHESIS_PROFILE=explore draws new ones.
hypothesis_settings.register_profile("default", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Live-server tests call the ORM from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TEST_PASSWORD = "a-long-test-password"


def pytest_terminal_summary(terminalreporter):
    """Why each test that ran twice failed the first time (``-rR`` only names it): the test's
    line where it stopped and the error's first line, so that a timeout in CI's log can be
    looked into."""
    for report in terminalreporter.stats.get("rerun", []):
        crash = getattr(report.longrepr, "reprcrash", None)
        if crash is None:
            continue
        entries = getattr(getattr(report.longrepr, "reprtraceback", None), "reprentries", [])
        places = [getattr(entry, "reprfileloc", None) for entry in entries]
        own = [p for p in places if p is not None and p.path.endswith(report.location[0])]
        where = f"{own[-1].path}:{own[-1].lineno}" if own else f"{crash.path}:{crash.lineno}"
        message = crash.message.splitlines()[0] if crash.message else ""
        terminalreporter.write_line(f"first run of {report.nodeid}: {where}: {message[:300]}")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return make_scheduler(config, log)  # keeps pytest-django's order (tests/scheduling.py)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    group_demo_modules(items)  # one seed of the demo for the modules that read it


# Each worker's test database is built from the models, then given what the migrations write
# beyond tables (devtools/schema.py, which .ci/run uses to check that both ways give the same
# database). TEST_DATABASE_BY=migrations applies the migrations one by one instead.
BUILT_FROM_MODELS = os.environ.get("TEST_DATABASE_BY", "models") != "migrations"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    if BUILT_FROM_MODELS:
        from django.db import connections

        for connection in connections.all():
            connection.settings_dict["TEST"]["MIGRATE"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the worker's seeded demo rolled back before it goes."""
    if BUILT_FROM_MODELS:
        with django_db_blocker.unblock():
            replay_database_operations()
    yield
    close_seeded_demo()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test of a module that does not share the seeded demo starts without it
    (tests/demo_seed.py). A hook, not a fixture: it runs before any fixture is set up, the
    live server's too, which would otherwise close the connection holding the seed first."""
    if not shares_the_demo(item.nodeid.split("::", 1)[0]):
        close_seeded_demo()


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """What differs under test: a fast hasher, plain HTTP, static files without a manifest,
    and every computation checks its running totals against the records themselves."""
    with override_settings(
        RUNNING_TOTALS_CHECK=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _cheap_postgresql_flush():
    """On PostgreSQL, a transactional test's flush deletes the rows it left instead of
    truncating every table (tests/postgresql_flush.py says why)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with guarded_flush(type(connection.ops)):
            yield
        return
    if connection.vendor != "postgresql":
        yield
        return
    with cheap_flush(type(connection.ops)):
        yield


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: rate limits and hourly counters live there, keyed
    by ids that SQLite hands out again once an earlier test's rows are rolled back."""
    clear_caches()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request that chose English must
    not leave it active for the next test (the active language is per thread)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def in_english(_default_language):
    """Messages made in code (services, validation, titles) are read in English; a module asks
    for it with ``pytest.mark.usefixtures("in_english")``."""
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads, staged imports and attachments go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# The categories come from a data migration; get_or_create keeps these fixtures working after a
# transactional (browser) test has flushed the database.
@pytest.fixture
def town(db):
    return UnitCategory.objects.get_or_create(code="town", defaults={"name": "镇街"})[0]


@pytest.fixture
def economic(db):
    return UnitCategory.objects.get_or_create(code="economic", defaults={"name": "经济部门"})[0]


@pytest.fixture
def unit_a(town):
    return UnitFactory(code="A01", name="甲镇", category=town, headcount=40)


@pytest.fixture
def unit_b(town):
    return UnitFactory(code="B01", name="乙镇", category=town, headcount=30)


@pytest.fixture
def lead_unit(economic):
    return UnitFactory(code="JJ01", name="区发展和改革局", category=economic, headcount=25)


@pytest.fixture
def cadres(unit_a, unit_b):
    return [
        CadreFactory(unit=unit_a, name="张三", position="党委书记", rank_kind="principal"),
        CadreFactory(unit=unit_a, name="李四", position="副镇长"),
        CadreFactory(unit=unit_b, name="王五", position="镇长", rank_kind="principal"),
    ]


def _account(username: str, role: str | None = None, unit: str | None = None, **extra: Any) -> Any:
    """A fixture: the account ``username`` with ``role``, a member of the unit that the fixture
    named ``unit`` gives (or of none)."""

    @pytest.fixture
    def account(request: pytest.FixtureRequest, db: None) -> Any:
        member_of = request.getfixturevalue(unit) if unit else None
        return UserFactory(username=username, role=role, unit=member_of, **extra)

    return account


office_user = _account("office", Role.OFFICE, is_staff=True)
lead_user = _account("lead", Role.LEAD, "lead_unit")
reporter_a = _account("reporter_a", Role.REPORTER, "unit_a")
reporter_b = _account("reporter_b", Role.REPORTER, "unit_b")
supervision_user = _account("supervision", Role.SUPERVISION)
leader_user = _account("leader", Role.LEADER)
nobody = _account("nobody")  # logged in with no role: it may not use the staff site
