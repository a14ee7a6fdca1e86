"""The legacy customer import: upsert rules, sources (SQLite, PostgreSQL, CSV/JSON), retries,
dry runs, idempotence, the command and the recorded runs."""

# The legacy-database fixtures are imported from accounts/tests/legacy.py (shared, and the
# package conftest belongs to the identity tests): pytest injects them by parameter name.
# ruff: noqa: F811

from __future__ import annotations

import json
import sqlite3
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from accounts.exceptions import ImportSourceInvalid, ImportSourceNotConfigured, ImportSourceUnavailable
from accounts.importing import DatabaseSource, FileSource, ImportSummary, customers_import, import_run_execute
from accounts.models import ImportRun, ImportRunStatus, ImportSourceKind, User
from accounts.services import user_soft_delete
from accounts.tests.factories import UserFactory
from accounts.tests.legacy import (  # noqa: F401 - fixtures
    legacy_alias,
    postgres_legacy,
    row,
    sqlite_legacy,
    sqlite_settings,
    write_sqlite,
)
from conftest import run_in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Reasons and command output are asserted in English (their msgids)."""
    with translation.override("en"):
        yield


def counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "read": summary.read,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "skipped": summary.skipped,
    }


def skipped(summary: ImportSummary) -> list[tuple[int, str]]:
    return [(item.row, item.code) for item in summary.skipped_rows]


def users_snapshot() -> list[dict]:
    return list(User.objects.order_by("pk").values())


def run_legacy(**kwargs) -> ImportSummary:
    return customers_import(source=DatabaseSource(sleep=_no_sleep), **kwargs)


def _no_sleep(seconds: float) -> None:
    raise AssertionError("this test expects no retry")


# --- the upsert rules --------------------------------------------------------------------------------


def test_new_rows_become_customers_without_a_password_and_with_normalized_fields(sqlite_legacy):
    sqlite_legacy(
        [
            row("097 111 22 33", "Ivan@Example.com", "Іван", "Петренко", "1990-05-17", "m", "12"),
            row("+380501234567", None, "Олена", None, "17.05.1985", "Ж", None),
            row(None, "only-email@example.com"),
        ]
    )

    summary = run_legacy()

    assert counts(summary) == {"read": 3, "created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    ivan = User.objects.get(phone="+380971112233")
    assert (ivan.email, ivan.first_name, ivan.last_name) == ("ivan@example.com", "Іван", "Петренко")
    assert (ivan.birthday, ivan.gender, ivan.city_id) == (date(1990, 5, 17), "M", 12)
    assert not ivan.has_usable_password()
    assert not ivan.is_staff
    olena = User.objects.get(phone="+380501234567")
    assert (olena.email, olena.birthday, olena.gender, olena.last_name) == (None, date(1985, 5, 17), "F", "")
    assert User.objects.get(email="only-email@example.com").phone is None


def test_a_match_by_phone_only_gets_the_fields_it_is_missing(sqlite_legacy):
    customer = UserFactory(phone="+380971112233", email=None, first_name="Іван", last_name="", city_id=None)
    sqlite_legacy([row("0971112233", "ivan@example.com", "Іоанн", "Петренко", None, "M", "7")])

    summary = run_legacy()

    assert counts(summary) == {"read": 1, "created": 0, "updated": 1, "unchanged": 0, "skipped": 0}
    customer.refresh_from_db()
    assert customer.first_name == "Іван"  # the shop's value stays
    assert (customer.email, customer.last_name, customer.gender, customer.city_id) == (
        "ivan@example.com",
        "Петренко",
        "M",
        7,
    )
    assert User.objects.count() == 1


def test_a_match_by_email_fills_a_missing_phone(sqlite_legacy):
    customer = UserFactory(phone=None, email="olena@example.com")
    sqlite_legacy([row("0501234567", "OLENA@example.com")])

    summary = run_legacy()

    assert (summary.updated, summary.created) == (1, 0)
    customer.refresh_from_db()
    assert customer.phone == "+380501234567"


def test_a_match_with_nothing_missing_is_unchanged_and_not_written(sqlite_legacy):
    customer = UserFactory(phone="+380971112233", email="ivan@example.com", birthday=date(1990, 1, 1))
    before = users_snapshot()
    sqlite_legacy([row("0971112233", "other@example.com", "Інше", "Ім'я", "1991-02-02")])

    summary = run_legacy()

    assert counts(summary) == {"read": 1, "created": 0, "updated": 0, "unchanged": 1, "skipped": 0}
    assert users_snapshot() == before
    assert customer.email == "ivan@example.com"


def test_rows_repeating_a_phone_email_or_customer_are_skipped_as_duplicates(sqlite_legacy):
    UserFactory(phone="+380671112233", email="known@example.com")
    sqlite_legacy(
        [
            row("0971112233", "a@example.com"),
            row("+380971112233", "b@example.com"),  # same phone as row 1
            row("0501112233", "A@example.com"),  # same email as row 1
            row("0671112233", None),  # matches the known customer
            row(None, "known@example.com"),  # the same known customer again
        ]
    )

    summary = run_legacy(batch_size=2)

    assert counts(summary) == {"read": 5, "created": 1, "updated": 0, "unchanged": 1, "skipped": 3}
    assert skipped(summary) == [(2, "duplicate"), (3, "duplicate"), (5, "duplicate")]
    assert "row 1" in summary.skipped_rows[0].reason
    assert User.objects.count() == 2


def test_a_phone_and_an_email_of_two_different_customers_is_a_conflict_and_changes_neither(sqlite_legacy):
    by_phone = UserFactory(phone="+380971112233", email=None, first_name="")
    by_email = UserFactory(phone=None, email="olena@example.com", first_name="")
    before = users_snapshot()
    sqlite_legacy([row("0971112233", "olena@example.com", "Олена")])

    summary = run_legacy()

    assert skipped(summary) == [(1, "conflict")]
    assert f"#{by_phone.pk}" in summary.skipped_rows[0].reason
    assert f"#{by_email.pk}" in summary.skipped_rows[0].reason
    assert users_snapshot() == before


def test_staff_and_deleted_accounts_are_never_touched(sqlite_legacy):
    UserFactory(phone="+380971112233", email=None, is_staff=True)
    gone = UserFactory(phone="+380501112233", email=None)
    user_soft_delete(user=gone)
    before = users_snapshot()
    sqlite_legacy([row("0971112233", "staff@example.com"), row("0501112233", "gone@example.com")])

    summary = run_legacy()

    assert skipped(summary) == [(1, "staff"), (2, "deleted")]
    assert users_snapshot() == before


def test_bad_rows_are_reported_with_reasons_and_the_good_ones_still_imported(sqlite_legacy):
    sqlite_legacy(
        [
            row("12345", "a@example.com"),
            row("0971112233", "not-an-email"),
            row(None, None, "Нікого"),
            row("0501112233", None, None, None, "31.02.1990"),
            row("0501112234", None, None, None, None, "X"),
            row("0501112235", None, None, None, None, None, "місто"),
            row("0501112236", None, "Я" * 121),
            row("0631234567", "good@example.com", "Добрий"),
        ]
    )

    summary = run_legacy()

    assert skipped(summary) == [
        (1, "invalid_phone"),
        (2, "invalid_email"),
        (3, "no_contact"),
        (4, "invalid_birthday"),
        (5, "invalid_gender"),
        (6, "invalid_city"),
        (7, "invalid_name"),
    ]
    assert all(item.reason for item in summary.skipped_rows)
    assert (summary.read, summary.created) == (8, 1)
    assert list(User.objects.values_list("email", flat=True)) == ["good@example.com"]


def test_running_the_import_twice_changes_nothing_the_second_time(sqlite_legacy):
    UserFactory(phone="+380671112233", email=None, last_name="")
    sqlite_legacy(
        [
            row("0971112233", "a@example.com", "А"),
            row("0671112233", "known@example.com", None, "Відомий"),
            row("0971112233", "dup@example.com"),
            row("bad", None),
        ]
    )
    first = run_legacy()
    after_first = users_snapshot()

    second = run_legacy()

    assert (first.created, first.updated) == (1, 1)
    assert counts(second) == {"read": 4, "created": 0, "updated": 0, "unchanged": 2, "skipped": 2}
    assert users_snapshot() == after_first


def test_a_dry_run_writes_nothing_and_reports_what_the_real_run_then_does(sqlite_legacy):
    UserFactory(phone="+380671112233", email=None)
    sqlite_legacy(
        [
            row("0971112233", "a@example.com"),
            row("0671112233", "known@example.com"),
            row("0971112233", "dup@example.com"),
            row("0501112233", "b@example.com"),
            row("oops", None),
        ]
    )
    before = users_snapshot()

    dry = run_legacy(dry_run=True, batch_size=2)

    assert users_snapshot() == before
    assert dry.dry_run
    real = run_legacy(batch_size=2)
    assert (
        counts(dry) == counts(real) == {"read": 5, "created": 2, "updated": 1, "unchanged": 0, "skipped": 2}
    )
    assert skipped(dry) == skipped(real)


def test_progress_is_reported_before_the_first_batch_and_after_each(sqlite_legacy):
    sqlite_legacy([row(f"05011122{index:02d}") for index in range(5)])
    calls: list[tuple[int, int | None]] = []

    customers_import(
        source=DatabaseSource(sleep=_no_sleep),
        batch_size=2,
        progress=lambda summary, total: calls.append((summary.read, total)),
    )

    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_a_batch_size_outside_1_to_10000_is_refused(sqlite_legacy):
    sqlite_legacy([])

    with pytest.raises(ValueError, match="batch_size"):
        run_legacy(batch_size=0)


# --- the legacy database: query, columns, retries, timeout -------------------------------------------


def test_the_query_and_the_column_mapping_come_from_settings(sqlite_legacy, settings):
    path = sqlite_legacy(
        [],
        create="CREATE TABLE clients (tel TEXT, mail TEXT, name_first TEXT, active INTEGER)",
    )
    with sqlite3.connect(path) as legacy:
        legacy.executemany(
            "INSERT INTO clients VALUES (?, ?, ?, ?)",
            [("0971112233", "a@example.com", "Іван", 1), ("0501112233", "b@example.com", "Старий", 0)],
        )
    settings.IMPORT_QUERY = "SELECT tel, MAIL, name_first FROM clients WHERE active = 1;"
    settings.IMPORT_COLUMNS = {"phone": "tel", "email": "mail", "first_name": "name_first"}

    summary = run_legacy()

    assert (summary.read, summary.created) == (1, 1)
    assert User.objects.get().first_name == "Іван"


def test_a_query_without_phone_and_email_columns_fails_before_writing(sqlite_legacy, settings):
    sqlite_legacy([row("0971112233")])
    settings.IMPORT_QUERY = "SELECT firstname FROM customers"

    with pytest.raises(ImportSourceInvalid, match="phone"):
        run_legacy()

    assert not User.objects.exists()


def test_a_broken_query_is_reported_as_an_invalid_source(sqlite_legacy, settings):
    sqlite_legacy([])
    settings.IMPORT_QUERY = "SELECT phone FROM no_such_table"

    with pytest.raises((ImportSourceInvalid, ImportSourceUnavailable), match="no_such_table"):
        run_legacy()


def test_without_a_legacy_alias_the_source_is_not_configured():
    with pytest.raises(ImportSourceNotConfigured):
        DatabaseSource()


def test_an_unreachable_server_is_retried_with_the_configured_pauses_then_reported(db, settings):
    settings.IMPORT_RETRIES = 2
    settings.IMPORT_RETRY_SLEEP = 7
    settings.IMPORT_TIMEOUT = 2
    pauses: list[float] = []
    # Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    unreachable = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "legacy",
        "HOST": "127.0.0.1",
        "PORT": "9",
        "USER": "nobody",
    }

    with legacy_alias(unreachable), pytest.raises(ImportSourceUnavailable, match="3 attempts"):
        customers_import(source=DatabaseSource(sleep=pauses.append))

    assert pauses == [7.0, 7.0]


def test_a_missing_sqlite_path_is_retried_and_the_import_recovers_when_it_appears(tmp_path, settings):
    settings.IMPORT_RETRIES = 3
    settings.IMPORT_RETRY_SLEEP = 0.5
    folder = tmp_path / "not-mounted-yet"
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        # The volume "comes back" during the second pause.
        pauses.append(seconds)
        if len(pauses) == 2:
            folder.mkdir()
            write_sqlite(folder / "legacy.sqlite3", [row("0971112233")])

    with legacy_alias(sqlite_settings(folder / "legacy.sqlite3")):
        summary = customers_import(source=DatabaseSource(sleep=sleep))

    assert pauses == [0.5, 0.5]
    assert summary.created == 1


def test_a_locked_sqlite_database_is_waited_for_import_timeout_then_reported(sqlite_legacy, settings):
    path = sqlite_legacy([row("0971112233")])
    settings.IMPORT_TIMEOUT = 0.2
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        with pytest.raises(ImportSourceUnavailable, match="locked"):
            run_legacy()
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert not User.objects.exists()


# --- PostgreSQL as the legacy server --------------------------------------------------------------


def test_import_from_a_postgresql_database_with_typed_columns(postgres_legacy):
    postgres_legacy(
        [
            row("0971112233", "ivan@example.com", "Іван", None, date(1990, 5, 17), "M", 12),
            row("0971112233", "dup@example.com"),
            row("bad", "x@example.com"),
            row("0501112233", None, "Олена", None, None, "F", None),
        ]
    )

    first = customers_import(source=DatabaseSource(sleep=_no_sleep), batch_size=2)
    second = customers_import(source=DatabaseSource(sleep=_no_sleep), batch_size=2)

    assert counts(first) == {"read": 4, "created": 2, "updated": 0, "unchanged": 0, "skipped": 2}
    assert counts(second) == {"read": 4, "created": 0, "updated": 0, "unchanged": 2, "skipped": 2}
    ivan = User.objects.get(phone="+380971112233")
    assert (ivan.birthday, ivan.city_id, ivan.gender) == (date(1990, 5, 17), 12, "M")


def test_the_legacy_postgresql_database_is_only_ever_read(postgres_legacy, settings):
    from accounts.tests.legacy import TYPED_TABLE

    postgres_legacy([row("0971112233")], create=f"{TYPED_TABLE}; CREATE SEQUENCE counter")
    # A query with a side effect (nextval writes) is refused by the read-only transaction.
    settings.IMPORT_QUERY = "SELECT phone, email, nextval('counter') AS n FROM customers"

    with pytest.raises(ImportSourceInvalid, match="read-only"):
        customers_import(source=DatabaseSource(sleep=_no_sleep))


def test_the_legacy_sqlite_file_is_only_ever_read(sqlite_legacy, settings):
    path = sqlite_legacy([row("0971112233")])
    settings.IMPORT_QUERY = "DELETE FROM customers RETURNING phone, email"

    with pytest.raises((ImportSourceInvalid, ImportSourceUnavailable), match="readonly"):
        run_legacy()

    with sqlite3.connect(path) as legacy:
        assert legacy.execute("SELECT COUNT(*) FROM customers").fetchone() == (1,)


def test_a_postgresql_query_slower_than_import_timeout_is_cancelled(postgres_legacy, settings):
    postgres_legacy([row("0971112233")])
    settings.IMPORT_TIMEOUT = 1
    settings.IMPORT_QUERY = "SELECT phone, email FROM customers, pg_sleep(3)"

    with pytest.raises(ImportSourceUnavailable, match="statement timeout"):
        customers_import(source=DatabaseSource(sleep=_no_sleep))

    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_never_duplicate_a_customer(tmp_path, postgres_only):
    rows = [row(f"0501{index:06d}", f"c{index}@example.com") for index in range(200)]
    path = write_sqlite(tmp_path / "legacy.sqlite3", rows)

    with legacy_alias(sqlite_settings(path)):
        results = run_in_threads(2, lambda _index: customers_import(source=DatabaseSource(), batch_size=50))

    assert all(isinstance(result, ImportSummary) for result in results), results
    assert User.objects.count() == 200
    assert sum(result.created for result in results) == 200
    for result in results:
        # What the other run inserted first is seen as unchanged, or as a conflict if it
        # committed while this run was between its lookup and its insert.
        assert result.created + result.unchanged + result.skipped == 200
        assert {item.code for item in result.skipped_rows} <= {"conflict"}


# --- files ------------------------------------------------------------------------------------------


def test_a_csv_file_with_malformed_rows_imports_the_good_ones(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(
        "\ufeffphone,email,firstname,lastname,birthday,gender,city_id\n"
        "0971112233,ivan@example.com,Іван,Петренко,1990-05-17,M,3\n"
        "0501112233,too@many.com,a,b,,,,extra\n"
        "0631112233,few@example.com\n"
        "\n"
        '"0671112233","quoted@example.com","Ім\'я, з комою",,,F,\n',
        encoding="utf-8",
    )

    summary = customers_import(source=FileSource(path))

    assert counts(summary) == {"read": 4, "created": 2, "updated": 0, "unchanged": 0, "skipped": 2}
    assert skipped(summary) == [(3, "malformed"), (4, "malformed")]
    assert "columns" in summary.skipped_rows[0].reason
    assert User.objects.get(phone="+380671112233").first_name == "Ім'я, з комою"


def test_a_json_file_with_non_object_items_imports_the_objects(tmp_path):
    path = tmp_path / "customers.json"
    path.write_text(
        json.dumps(
            [
                {"phone": "0971112233", "email": "ivan@example.com", "FirstName": "Іван", "city_id": 5},
                "not a customer",
                {"phone": 380501112233, "birthday": "1990-01-02"},
                {"email": "bad@"},
                {"phone": "0631112233", "firstname": "Nul\u0000Byte"},
            ]
        ),
        encoding="utf-8",
    )

    summary = customers_import(source=FileSource(path))

    assert counts(summary) == {"read": 5, "created": 2, "updated": 0, "unchanged": 0, "skipped": 3}
    assert skipped(summary) == [(2, "malformed"), (4, "invalid_email"), (5, "malformed")]
    assert User.objects.get(phone="+380971112233").first_name == "Іван"
    assert User.objects.get(phone="+380501112233").birthday == date(1990, 1, 2)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("customers.json", "{not json", "JSON"),
        ("customers.json", '{"phone": "0971112233"}', "array"),
        ("customers.csv", "firstname,lastname\nІван,Петренко\n", "phone"),
        ("customers.csv", b"phone,email\n\xff\xfe,\n", "UTF-8"),
        ("customers.xlsx", "", "csv"),
    ],
)
def test_an_unreadable_file_fails_the_import_before_anything_is_written(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(ImportSourceInvalid, match=message):
        customers_import(source=FileSource(path))

    assert not User.objects.exists()


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(ImportSourceInvalid, match="not found"):
        FileSource(tmp_path / "nowhere.csv")


# --- the command ------------------------------------------------------------------------------------


def write_csv(path, *lines: str):
    path.write_text("phone,email,firstname\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_command_imports_a_file_prints_a_progress_bar_and_the_summary(tmp_path):
    path = write_csv(tmp_path / "c.csv", "0971112233,a@example.com,А", "0501112233,b@example.com,Б", "bad,,")
    out = StringIO()

    call_command("import_customers", "--file", str(path), "--batch-size", "2", stdout=out)

    text = out.getvalue()
    assert "\r[####################----------]  66%  2/3\r" in text
    assert "100%  3/3" in text
    assert "Read: 3" in text
    assert "Created: 2" in text
    assert "Skipped: 1" in text
    assert "row 4: invalid phone 'bad'" in text
    assert User.objects.count() == 2
    run = ImportRun.objects.get()
    assert (run.source, run.status, run.created_count, run.batch_size) == ("file", "succeeded", 2, 2)


def test_command_dry_run_writes_no_customer(tmp_path):
    path = write_csv(tmp_path / "c.csv", "0971112233,a@example.com,А")
    out = StringIO()

    call_command("import_customers", "--file", str(path), "--dry-run", stdout=out)

    assert not User.objects.exists()
    assert "Created: 1" in out.getvalue()
    assert "Dry run" in out.getvalue()


def test_command_reads_the_legacy_database_without_file(sqlite_legacy):
    sqlite_legacy([row("0971112233")])

    call_command("import_customers", stdout=StringIO())

    assert User.objects.filter(phone="+380971112233").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "LEGACY_DATABASE_URL"),
        (["--batch-size", "0"], "batch-size"),
        (["--file", "/nonexistent/customers.csv"], "not found"),
    ],
)
def test_command_errors_are_reported_as_command_errors(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_customers", *arguments, stdout=StringIO())

    assert not User.objects.exists()


# --- recorded runs --------------------------------------------------------------------------------


def test_a_run_records_its_summary_and_is_not_run_again_once_finished(tmp_path):
    path = write_csv(tmp_path / "c.csv", "0971112233,a@example.com,А", "bad,,")
    run = ImportRun.objects.create(source=ImportSourceKind.FILE, file_path=str(path), batch_size=10)

    import_run_execute(run_id=run.pk)
    User.objects.all().delete()
    again = import_run_execute(run_id=run.pk)

    assert again.status == ImportRunStatus.SUCCEEDED
    assert (again.read_count, again.created_count, again.skipped_count, again.total) == (2, 1, 1, 2)
    assert again.skipped_rows == [{"row": 3, "code": "invalid_phone", "reason": "invalid phone 'bad'"}]
    assert again.started_at is not None
    assert again.finished_at is not None
    assert not User.objects.exists()  # the second call did nothing


def test_a_run_keeps_the_first_skipped_rows_and_counts_them_all(tmp_path, settings):
    settings.IMPORT_SKIPPED_ROWS_KEPT = 2
    path = write_csv(tmp_path / "c.csv", "bad1,,", "bad2,,", "bad3,,")
    run = ImportRun.objects.create(source=ImportSourceKind.FILE, file_path=str(path), batch_size=10)

    run = import_run_execute(run_id=run.pk)

    assert run.skipped_count == 3
    assert [item["row"] for item in run.skipped_rows] == [2, 3]


def test_a_run_whose_source_fails_is_marked_failed_with_the_reason(db, settings):
    settings.IMPORT_RETRIES = 1
    settings.IMPORT_RETRY_SLEEP = 3
    pauses: list[float] = []
    run = ImportRun.objects.create(source=ImportSourceKind.LEGACY_DATABASE, batch_size=10)

    with legacy_alias(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "127.0.0.1", "PORT": "9"}
    ):
        run = import_run_execute(run_id=run.pk, sleep=pauses.append)

    assert run.status == ImportRunStatus.FAILED
    assert "2 attempts" in run.error
    assert pauses == [3.0]
    assert connection.vendor  # the default database is untouched and usable
    assert run.finished_at is not None
