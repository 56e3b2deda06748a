"""The test databases are built from the models; this checks they equal a migrated database.

Applying the 79 migrations one by one takes 15 to 20 s a database on the 2-core build
machine, almost all of it Django re-rendering the related models' states after each
operation, and the suite builds one database per worker on SQLite and on PostgreSQL. The
suite therefore builds its databases as Django does with ``TEST["MIGRATE"] = False``: every
table at once from the models. What migrations write beyond tables, the guard triggers and
the default unit categories with their sealed history, comes from the project's migrations'
own ``RunPython`` and ``RunSQL`` operations, replayed in the migrations' order
(``replay_database_operations``); every migration is then recorded as applied.

That shortcut is honest only while both ways give the same database. ``python -m
devtools.schema`` (run by ``.ci/run`` on SQLite and on PostgreSQL) builds one scratch database
each way and compares their tables, columns, indexes, constraints, triggers, functions and
rows written by the migrations; it prints each difference and fails on any.

    python -m devtools.schema                  # the check, on the DATABASE_URL's server
    python -m devtools.schema build            # build the DATABASE_URL's database the test way
    python -m devtools.schema describe         # its description, as JSON
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("units", "assessment", "reports")


def replay_database_operations(using: str = "default") -> None:
    """Run every migration's ``RunPython``/``RunSQL`` operation, in the order ``migrate``
    would, on a database whose tables were built from the models; then record every
    migration as applied."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations.special import RunPython, RunSQL

    connection = connections[using]
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    plan = executor.migration_plan(graph.leaf_nodes(), clean_start=True)
    # The operations see the final state: the tables they touch are already there, as built.
    state = executor.loader.project_state()
    with connection.schema_editor(atomic=True) as editor:
        for migration, _backwards in plan:
            if migration.app_label not in PROJECT_APPS:
                continue  # other packages' data migrations only convert rows of older versions
            for operation in migration.operations:
                if isinstance(operation, RunPython | RunSQL):
                    operation.database_forwards(migration.app_label, editor, state, state)
    recorder = executor.recorder
    recorder.ensure_schema()
    applied = recorder.applied_migrations()
    for migration, _backwards in plan:
        if (migration.app_label, migration.name) not in applied:
            recorder.record_applied(migration.app_label, migration.name)


def build(using: str = "default") -> None:
    """Build an empty database the way the suite does: tables from the models, then the
    migrations' own operations."""
    from django.apps import apps
    from django.core.management import call_command
    from django.test.utils import override_settings

    unmigrated = {config.label: None for config in apps.get_app_configs()}
    with override_settings(MIGRATION_MODULES=unmigrated):
        call_command("migrate", database=using, run_syncdb=True, verbosity=0, interactive=False)
    replay_database_operations(using)


def describe(using: str = "default") -> dict[str, list[str]]:
    """What a database holds beyond the order of its columns: one sorted list of lines per
    kind of object, and the rows the migrations wrote."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        queries = _POSTGRESQL if connection.vendor == "postgresql" else _sqlite_queries(cursor)
        described: dict[str, list[str]] = {}
        for kind, sql in queries.items():
            cursor.execute(sql)
            described[kind] = sorted(" | ".join(str(v) for v in row) for row in cursor.fetchall())
        if "tables" in described:
            described["checks"] = _sqlite_checks(described.pop("tables"))
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        described["applied migrations"] = [f"{app}.{name}" for app, name in cursor.fetchall()]
    described["rows the migrations wrote"] = _written_rows(using)
    return described


_POSTGRESQL = {
    "columns": """
        SELECT table_name, column_name, data_type, character_maximum_length,
               numeric_precision, numeric_scale, is_nullable, column_default
        FROM information_schema.columns WHERE table_schema = 'public'""",
    "indexes": "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "constraints": """
        SELECT c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public'""",
    "triggers": """
        SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal""",
    "functions": """
        SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public'""",
}


def _sqlite_queries(cursor: Any) -> dict[str, str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    tables = [name for (name,) in cursor.fetchall()]
    columns = " UNION ALL ".join(
        f"SELECT '{t}', name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{t}')"
        for t in tables
    )
    foreign = " UNION ALL ".join(
        f'SELECT \'{t}\', "from", "table", "to", on_delete FROM pragma_foreign_key_list(\'{t}\')'
        for t in tables
    )
    return {
        "columns": columns,
        "foreign keys": foreign,
        # Index and trigger definitions as SQLite keeps them; a table's own CREATE TABLE text
        # lists columns in the order they were added, which the columns above compare instead.
        "indexes": "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'",
        "triggers": "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'",
        # CHECK constraints are compared one by one (_sqlite_checks).
        "tables": "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%'",
    }


def _sqlite_checks(tables: list[str]) -> list[str]:
    """Each table's CHECK clauses, found in its CREATE TABLE text with balanced brackets."""
    checks = []
    for line in tables:
        name, sql = line.split(" | ", 1)
        start = 0
        while (at := sql.find("CHECK (", start)) >= 0:
            depth, end = 0, at + len("CHECK ")
            for end in range(at + len("CHECK "), len(sql)):
                depth += {"(": 1, ")": -1}.get(sql[end], 0)
                if depth == 0:
                    break
            checks.append(f"{name} | {sql[at : end + 1]}")
            start = end + 1
    return sorted(checks)


def _written_rows(using: str) -> list[str]:
    """The rows of every table that is not empty, but for the moments they were written and
    the seals' hashes, which cover those moments. Permissions are Django's, made after either
    way in an order of their own: a group is described by its permissions' names."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    lines = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in _NUMBERED_BY_DJANGO:
            continue
        for row in model._base_manager.using(using).order_by("pk").values():
            values = {k: v for k, v in row.items() if k not in _MOMENTS}
            lines.append(f"{model._meta.label_lower}: {sorted(values.items())!r}")
    for group in Group.objects.using(using).prefetch_related("permissions__content_type"):
        names = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
        lines.append(f"group {group.name}: {', '.join(names)}")
    return sorted(lines)


_NUMBERED_BY_DJANGO = {"contenttypes.contenttype", "auth.permission", "auth.group_permissions"}
_MOMENTS = {"history_date", "sealed_at", "row_hash", "chain_hash"}


# --- the check ------------------------------------------------------------------------------

# Differences that are Django's own and harmless: its auth migrations number the rows of the
# three many-to-many tables of users, groups and permissions with bigint on PostgreSQL, its
# models with integer (the tests write a few hundred of them).
KNOWN = {
    "columns": [
        f"{table} | id | {kind} | None | {bits} | 0 | NO | None"
        for table in ("auth_group_permissions", "auth_user_groups", "auth_user_user_permissions")
        for kind, bits in (("bigint", 64), ("integer", 32))
    ]
}


def _scratch_urls(url: str, workdir: Path) -> tuple[str, str]:
    if not url or url.startswith("sqlite"):
        return (
            f"sqlite:///{workdir / 'migrated.sqlite3'}",
            f"sqlite:///{workdir / 'built.sqlite3'}",
        )
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "postgres"
    migrated, built = (
        urlunsplit(parts._replace(path=f"/{base}_schema_{way}")) for way in ("migrated", "built")
    )
    return migrated, built


def _manage(url: str, *args: str) -> str:
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def _scratch_postgresql(url: str, *, create: bool) -> None:
    """Drop the database ``url`` names (from the server's ``postgres`` database), then create
    it again if ``create``."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            server.execute(f'CREATE DATABASE "{name}"')


def check(url: str) -> int:
    with tempfile.TemporaryDirectory() as workdir:
        migrated, built = _scratch_urls(url, Path(workdir))
        postgresql = migrated.startswith("postgres")
        try:
            if postgresql:
                _scratch_postgresql(migrated, create=True)
                _scratch_postgresql(built, create=True)
            _manage(migrated, "manage.py", "migrate", "--no-input", "-v", "0")
            _manage(built, "-m", "devtools.schema", "build")
            a = json.loads(_manage(migrated, "-m", "devtools.schema", "describe"))
            b = json.loads(_manage(built, "-m", "devtools.schema", "describe"))
        finally:
            if postgresql:
                _scratch_postgresql(migrated, create=False)
                _scratch_postgresql(built, create=False)
    differences = 0
    for kind in sorted(set(a) | set(b)):
        known = KNOWN.get(kind, ())
        only_migrated = sorted(set(a.get(kind, [])) - set(b.get(kind, [])) - set(known))
        only_built = sorted(set(b.get(kind, [])) - set(a.get(kind, [])) - set(known))
        for line in only_migrated:
            print(f"{kind}: only when migrated: {line}")
        for line in only_built:
            print(f"{kind}: only when built from the models: {line}")
        differences += len(only_migrated) + len(only_built)
    vendor = "PostgreSQL" if postgresql else "SQLite"
    if differences:
        print(
            f"{differences} difference(s) on {vendor}: "
            "the suite's databases are not what the migrations build"
        )
        return 1
    counts = ", ".join(f"{len(lines)} {kind}" for kind, lines in sorted(a.items()))
    print(f"{vendor}: built from the models equals migrated ({counts})")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] in {"build", "describe"}:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        if argv[0] == "build":
            build()
        else:
            print(json.dumps(describe(), default=str))
        return 0
    return check(os.environ.get("DATABASE_URL", ""))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
