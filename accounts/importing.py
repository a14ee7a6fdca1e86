"""The legacy customer import: rows from a source become customers, matched by phone, then email.

Rules:
- A row is matched to an existing customer by its normalized phone, else by its email. A
  match only gets the fields it is missing: the shop's own data (customers edit their
  profiles here) is never overwritten by the legacy copy. No match: a new customer, without
  a password (they set one through the password reset).
- Nothing is ever duplicated: the phone and email are unique, and a second row of the same
  source that names the same phone, email or customer is skipped as a duplicate.
- A bad row (malformed, invalid phone/email/birthday/gender/city, a phone and an email that
  belong to two different customers, a staff or deleted account, a conflict with a
  concurrent write) is skipped with a reason; the run goes on.
- Each batch is one transaction, each row a savepoint in it: a row is written whole or not
  at all. `dry_run` does all the work and rolls every batch back.
- Running it twice changes nothing the second time.

Sources: the `legacy` database alias (LEGACY_DATABASE_URL) read with IMPORT_QUERY and
IMPORT_COLUMNS, or a CSV/JSON file. The database connection is retried IMPORT_RETRIES times,
IMPORT_RETRY_SLEEP seconds apart, and queries are bounded by IMPORT_TIMEOUT.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, DataError, IntegrityError, OperationalError, connections, transaction
from django.db import Error as DjangoDatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnreachable

from accounts.exceptions import (
    ImportRunNotFound,
    ImportSourceInvalid,
    ImportSourceNotConfigured,
    ImportSourceUnavailable,
)
from accounts.models import Gender, ImportRun, ImportRunStatus, ImportSourceKind, User
from accounts.phones import InvalidPhone, normalize_phone

logger = logging.getLogger(__name__)

LEGACY_ALIAS = "legacy"
FIELDS = ("phone", "email", "first_name", "last_name", "birthday", "gender", "city_id")
# IMPORT_QUERY / IMPORT_COLUMNS override these (settings, from the environment).
DEFAULT_QUERY = "SELECT phone, email, firstname, lastname, birthday, gender, city_id FROM customers"
DEFAULT_COLUMNS = {
    "phone": "phone",
    "email": "email",
    "first_name": "firstname",
    "last_name": "lastname",
    "birthday": "birthday",
    "gender": "gender",
    "city_id": "city_id",
}
DEFAULT_BATCH_SIZE = 500
MAX_BATCH_SIZE = 10_000
# How many skipped rows a run keeps for the API and the admin (the counter counts them all).
DEFAULT_SKIPPED_ROWS_KEPT = 1000

NAME_MAX_LENGTH = 120
MAX_CITY_ID = 2**31 - 1
GENDER_VALUES = {
    "m": Gender.MALE,
    "male": Gender.MALE,
    "ч": Gender.MALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "ж": Gender.FEMALE,
}
# MySQL-style "no date" values legacy databases use for "unknown".
ZERO_DATES = {"0000-00-00", "00.00.0000"}


class SkipCode(StrEnum):
    MALFORMED = "malformed"
    NO_CONTACT = "no_contact"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    INVALID_NAME = "invalid_name"
    INVALID_BIRTHDAY = "invalid_birthday"
    INVALID_GENDER = "invalid_gender"
    INVALID_CITY = "invalid_city"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    STAFF = "staff"
    DELETED = "deleted"


# --- settings ----------------------------------------------------------------------------------


def import_columns() -> dict[str, str]:
    """Our field → the source's column (lower case); IMPORT_COLUMNS overrides any of them."""
    overrides = getattr(settings, "IMPORT_COLUMNS", None) or {}
    unknown = set(overrides) - set(FIELDS)
    if unknown:
        raise ImproperlyConfigured(
            f"IMPORT_COLUMNS: unknown fields {sorted(unknown)}; known: {', '.join(FIELDS)}"
        )
    return {name: column.strip().lower() for name, column in {**DEFAULT_COLUMNS, **overrides}.items()}


def default_batch_size() -> int:
    return int(getattr(settings, "IMPORT_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def legacy_database_configured() -> bool:
    return LEGACY_ALIAS in connections.databases


# --- what a source yields and what a run reports ------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    """One record of a source, keyed by our field names; `values` is None when it is malformed."""

    number: int
    values: dict[str, Any] | None
    problem: str = ""


@dataclass(frozen=True)
class SkippedRow:
    row: int
    code: str
    reason: str


@dataclass
class ImportSummary:
    dry_run: bool = False
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_rows: list[SkippedRow] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.skipped_rows)

    def skip(self, row: int, code: SkipCode, reason: str) -> None:
        self.skipped_rows.append(SkippedRow(row=row, code=str(code), reason=reason))


ProgressCallback = Callable[[ImportSummary, int | None], None]


class CustomerSource(Protocol):
    kind: str

    def count(self) -> int | None:
        """Records in the source, or None when it cannot tell cheaply."""

    def rows(self, *, chunk_size: int) -> Iterator[SourceRow]: ...

    def close(self) -> None: ...


def _check_columns(available: list[str], columns: dict[str, str]) -> None:
    if columns["phone"] not in available and columns["email"] not in available:
        raise ImportSourceInvalid(
            _("The source has neither the phone column (%(phone)s) nor the email column (%(email)s)")
            % {"phone": columns["phone"], "email": columns["email"]}
        )


def _mapped(record: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    return {name: record.get(column) for name, column in columns.items()}


# --- sources -----------------------------------------------------------------------------------


class FileSource:
    """A CSV file (a header row, UTF-8, `,`) or a JSON file (an array of objects), by extension."""

    kind = ImportSourceKind.FILE

    def __init__(self, path: str | Path, *, columns: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        self.columns = columns or import_columns()
        self.format = self.path.suffix.lower().lstrip(".")
        if self.format not in ("csv", "json"):
            raise ImportSourceInvalid(_("Unsupported file type: use a .csv or .json file"))
        if not self.path.is_file():
            raise ImportSourceInvalid(_("File not found: %(path)s") % {"path": self.path})
        self._json_items: list[Any] | None = None

    def count(self) -> int:
        # A full pass before anything is written: a file that cannot be decoded fails here,
        # not halfway through the import.
        if self.format == "json":
            return len(self._load_json())
        return sum(1 for _row in self.rows(chunk_size=1))

    def rows(self, *, chunk_size: int) -> Iterator[SourceRow]:
        if self.format == "json":
            yield from self._json_rows()
        else:
            yield from self._csv_rows()

    def close(self) -> None:
        self._json_items = None

    def _load_json(self) -> list[Any]:
        if self._json_items is None:
            try:
                with self.path.open(encoding="utf-8-sig") as handle:
                    items = json.load(handle)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ImportSourceInvalid(
                    _("The file is not valid JSON: %(error)s") % {"error": exc}
                ) from exc
            if not isinstance(items, list):
                raise ImportSourceInvalid(_("A JSON file must hold an array of customer objects"))
            self._json_items = items
        return self._json_items

    def _json_rows(self) -> Iterator[SourceRow]:
        for number, item in enumerate(self._load_json(), start=1):
            if not isinstance(item, dict):
                yield SourceRow(number=number, values=None, problem=_("not a JSON object"))
                continue
            record = {str(key).strip().lower(): value for key, value in item.items()}
            yield SourceRow(number=number, values=_mapped(record, self.columns))

    def _csv_rows(self) -> Iterator[SourceRow]:
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, None)
                if header is None:
                    return
                header = [name.strip().lower() for name in header]
                _check_columns(header, self.columns)
                last_error_line = -1
                while True:
                    try:
                        values = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        if reader.line_num == last_error_line:
                            raise ImportSourceInvalid(
                                _("The CSV file cannot be read past line %(line)d: %(error)s")
                                % {"line": reader.line_num, "error": exc}
                            ) from exc
                        last_error_line = reader.line_num
                        yield SourceRow(number=reader.line_num, values=None, problem=str(exc))
                        continue
                    if not any(value.strip() for value in values):
                        continue  # a blank line is not a record
                    if len(values) != len(header):
                        problem = _("expected %(expected)d columns, found %(found)d") % {
                            "expected": len(header),
                            "found": len(values),
                        }
                        yield SourceRow(number=reader.line_num, values=None, problem=problem)
                        continue
                    record = dict(zip(header, values, strict=True))
                    yield SourceRow(number=reader.line_num, values=_mapped(record, self.columns))
        except UnicodeDecodeError as exc:
            raise ImportSourceInvalid(_("The file is not UTF-8 text: %(error)s") % {"error": exc}) from exc


class DatabaseSource:
    """Rows of IMPORT_QUERY on a second database alias (`legacy`, from LEGACY_DATABASE_URL).

    The connection is retried `retries` times, `retry_sleep` seconds apart (`sleep` is
    injectable so tests do not wait). `timeout` bounds the connection attempt (PostgreSQL's
    connect_timeout, SQLite's busy timeout) and, on PostgreSQL, every statement
    (statement_timeout). Rows are fetched `chunk_size` at a time, through a server-side
    cursor on PostgreSQL, so a large table is never held in memory whole.
    """

    kind = ImportSourceKind.LEGACY_DATABASE

    def __init__(
        self,
        *,
        alias: str = LEGACY_ALIAS,
        query: str | None = None,
        columns: dict[str, str] | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        retry_sleep: float | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if alias not in connections.databases:
            raise ImportSourceNotConfigured()
        self.alias = alias
        # A trailing semicolon would break the COUNT(*) wrapper.
        self.query = (query or getattr(settings, "IMPORT_QUERY", None) or DEFAULT_QUERY).strip().rstrip(";")
        self.columns = columns or import_columns()
        self.timeout = float(timeout if timeout is not None else getattr(settings, "IMPORT_TIMEOUT", 30))
        self.retries = int(retries if retries is not None else getattr(settings, "IMPORT_RETRIES", 2))
        self.retry_sleep = float(
            retry_sleep if retry_sleep is not None else getattr(settings, "IMPORT_RETRY_SLEEP", 30)
        )
        self.sleep = sleep
        self._connection: BaseDatabaseWrapper | None = None

    def count(self) -> int | None:
        connection = self._connect()
        sql = f"SELECT COUNT(*) FROM ({self.query}) import_rows"  # noqa: S608 - ops' own query, from settings
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return int(cursor.fetchone()[0])
        except DatabaseError:
            # Some queries cannot be wrapped (an ORDER BY on MS SQL, a CTE...), or counting
            # takes longer than the timeout: progress without a total then.
            logger.info("import: the legacy query cannot be counted; progress without a total")
            if not connection.get_autocommit():
                connection.rollback()
            return None

    def rows(self, *, chunk_size: int) -> Iterator[SourceRow]:
        connection = self._connect()
        # PostgreSQL: a server-side cursor inside the (read-only) transaction, so each FETCH
        # of chunk_size rows is one statement under statement_timeout. (A WITH HOLD cursor in
        # autocommit would materialize the whole result at commit, where no timeout applies.)
        cursor = connection.chunked_cursor() if connection.vendor == "postgresql" else connection.cursor()
        try:
            try:
                cursor.execute(self.query)
            except DjangoDatabaseError as exc:
                raise self._failure(exc) from exc
            available = [str(column[0]).lower() for column in cursor.description or ()]
            _check_columns(available, self.columns)
            number = 0
            while True:
                try:
                    chunk = cursor.fetchmany(chunk_size)
                except DjangoDatabaseError as exc:
                    raise self._failure(exc) from exc
                if not chunk:
                    return
                for values in chunk:
                    number += 1
                    record = dict(zip(available, values, strict=True))
                    yield SourceRow(number=number, values=_mapped(record, self.columns))
        finally:
            with contextlib.suppress(DjangoDatabaseError):
                cursor.close()  # may fail with the transaction; close() of the source ends both

    def close(self) -> None:
        # Never keep a connection to the legacy server (nor its statement_timeout) around.
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> BaseDatabaseWrapper:
        if self._connection is not None:
            return self._connection
        connection = self._new_connection()
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                connection.ensure_connection()
                break
            except DjangoDatabaseError as exc:
                connection.close()
                if attempt == attempts:
                    raise ImportSourceUnavailable(
                        _("Cannot connect to the legacy database after %(attempts)d attempts: %(error)s")
                        % {"attempts": attempts, "error": exc}
                    ) from exc
                logger.warning(
                    "import: connecting to %r failed (attempt %d of %d), retrying in %ss: %s",
                    self.alias,
                    attempt,
                    attempts,
                    self.retry_sleep,
                    exc,
                )
                self.sleep(self.retry_sleep)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, false), "
                    "set_config('default_transaction_read_only', 'on', false)",
                    [str(int(self.timeout * 1000))],
                )
            # Reads run in one read-only transaction: the import can never write to the legacy
            # database, and the server-side cursor lives inside it.
            connection.set_autocommit(False)
        self._connection = connection
        return connection

    def _new_connection(self) -> BaseDatabaseWrapper:
        """A connection of our own to the alias's database, with the import's timeouts.

        Not `connections[alias]`: the import owns this connection (opens it, closes it) and
        never changes the shared alias's settings or thread-local state.
        """
        config = copy.deepcopy(connections.settings[self.alias])
        connection = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias=f"{self.alias}:import")
        options = connection.settings_dict.setdefault("OPTIONS", {})
        if connection.vendor == "postgresql":
            options.setdefault("connect_timeout", max(1, round(self.timeout)))
        elif connection.vendor == "sqlite":
            options.setdefault("timeout", self.timeout)
            name = str(connection.settings_dict["NAME"])
            if not name.startswith("file:") and name != ":memory:":
                # Read-only: a mistyped path fails (and is retried) instead of becoming a new
                # empty database, and the import can never write to the legacy file.
                connection.settings_dict["NAME"] = f"{Path(name).resolve().as_uri()}?mode=ro"
        return connection

    def _failure(self, exc: Exception) -> ImportSourceInvalid | ImportSourceUnavailable:
        if isinstance(exc, OperationalError):
            return ImportSourceUnavailable(
                _("The legacy database failed while reading: %(error)s") % {"error": exc}
            )
        return ImportSourceInvalid(_("The legacy query failed: %(error)s") % {"error": exc})


# --- one row -----------------------------------------------------------------------------------


class _RowInvalid(Exception):
    def __init__(self, code: SkipCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class CustomerRow:
    number: int
    phone: str | None
    email: str | None
    first_name: str
    last_name: str
    birthday: date | None
    gender: str
    city_id: int | None

    @property
    def profile(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone stored in a numeric column
    text = str(value).strip()
    if "\x00" in text:
        # PostgreSQL cannot store it (SQLite could): refused the same way on every engine.
        raise _RowInvalid(SkipCode.MALFORMED, _("a value contains a NUL character"))
    return text


def _parse_phone(value: Any) -> str | None:
    raw = _text(value)
    if not raw:
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise _RowInvalid(SkipCode.INVALID_PHONE, _("invalid phone %(value)r") % {"value": raw}) from exc


def _parse_email(value: Any) -> str | None:
    raw = _text(value).lower()
    if not raw:
        return None
    try:
        if len(raw) > 254:
            raise DjangoValidationError("too long")
        validate_email(raw)
    except DjangoValidationError as exc:
        raise _RowInvalid(SkipCode.INVALID_EMAIL, _("invalid email %(value)r") % {"value": raw}) from exc
    return raw


def _parse_name(value: Any, label: str) -> str:
    name = _text(value)
    if len(name) > NAME_MAX_LENGTH:
        raise _RowInvalid(
            SkipCode.INVALID_NAME,
            _("%(field)s is longer than %(max)d characters") % {"field": label, "max": NAME_MAX_LENGTH},
        )
    return name


def _parse_birthday(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value)
    if not raw or raw in ZERO_DATES:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            birthday = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if date(1900, 1, 1) <= birthday <= timezone.localdate():
            return birthday
        break
    raise _RowInvalid(SkipCode.INVALID_BIRTHDAY, _("invalid birthday %(value)r") % {"value": raw})


def _parse_gender(value: Any) -> str:
    raw = _text(value)
    if not raw:
        return ""
    gender = GENDER_VALUES.get(raw.lower())
    if gender is None:
        raise _RowInvalid(SkipCode.INVALID_GENDER, _("invalid gender %(value)r") % {"value": raw})
    return str(gender)


def _parse_city_id(value: Any) -> int | None:
    raw = _text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d+", raw) and 0 < int(raw) <= MAX_CITY_ID:
        return int(raw)
    raise _RowInvalid(SkipCode.INVALID_CITY, _("invalid city id %(value)r") % {"value": raw})


def _parse(row: SourceRow) -> CustomerRow:
    values = row.values or {}
    parsed = CustomerRow(
        number=row.number,
        phone=_parse_phone(values.get("phone")),
        email=_parse_email(values.get("email")),
        first_name=_parse_name(values.get("first_name"), "firstname"),
        last_name=_parse_name(values.get("last_name"), "lastname"),
        birthday=_parse_birthday(values.get("birthday")),
        gender=_parse_gender(values.get("gender")),
        city_id=_parse_city_id(values.get("city_id")),
    )
    if not parsed.phone and not parsed.email:
        raise _RowInvalid(SkipCode.NO_CONTACT, _("neither a phone nor an email"))
    return parsed


# --- the import --------------------------------------------------------------------------------


@dataclass
class _Seen:
    """What this run already handled: a later row naming the same phone, email or customer
    is a duplicate. Kept in memory, so a dry run (whose writes are rolled back) reports
    exactly what the real run would do."""

    keys: dict[str, int] = field(default_factory=dict)
    customers: dict[int, int] = field(default_factory=dict)

    def earlier_row(self, row: CustomerRow) -> int | None:
        for key in (row.phone, row.email):
            if key and key in self.keys:
                return self.keys[key]
        return None

    def add(self, row: CustomerRow, customer_id: int | None) -> None:
        for key in (row.phone, row.email):
            if key:
                self.keys.setdefault(key, row.number)
        if customer_id is not None:
            self.customers.setdefault(customer_id, row.number)


def customers_import(
    *,
    source: CustomerSource,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Read every row of `source` and upsert customers; returns the summary.

    Raises ImportSourceInvalid/ImportSourceUnavailable when the source itself fails (batches
    committed before that stay: running the import again is safe). `progress(summary, total)`
    is called before the first batch and after each one.
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be 1–{MAX_BATCH_SIZE}")
    summary = ImportSummary(dry_run=dry_run)
    seen = _Seen()
    try:
        total = source.count()
        if progress:
            progress(summary, total)
        batch: list[SourceRow] = []
        for row in source.rows(chunk_size=batch_size):
            summary.read += 1
            batch.append(row)
            if len(batch) >= batch_size:
                _import_batch(batch, summary=summary, seen=seen, dry_run=dry_run)
                batch = []
                if progress:
                    progress(summary, total)
        if batch:
            _import_batch(batch, summary=summary, seen=seen, dry_run=dry_run)
            if progress:
                progress(summary, total)
    finally:
        source.close()
    return summary


def _import_batch(rows: list[SourceRow], *, summary: ImportSummary, seen: _Seen, dry_run: bool) -> None:
    parsed: list[CustomerRow] = []
    for row in rows:
        if row.values is None:
            summary.skip(
                row.number, SkipCode.MALFORMED, _("malformed row: %(problem)s") % {"problem": row.problem}
            )
            continue
        try:
            parsed.append(_parse(row))
        except _RowInvalid as exc:
            summary.skip(row.number, exc.code, exc.reason)
    if not parsed:
        return
    phones = {row.phone for row in parsed if row.phone}
    emails = {row.email for row in parsed if row.email}
    with transaction.atomic():
        # Locked (in id order, so two runs never deadlock on them): a customer editing their
        # profile meanwhile waits, so "fill what is missing" never overwrites their edit.
        matches = list(
            User.objects.select_for_update().filter(Q(phone__in=phones) | Q(email__in=emails)).order_by("pk")
        )
        by_phone = {user.phone: user for user in matches if user.phone}
        by_email = {user.email: user for user in matches if user.email}
        first_skip = len(summary.skipped_rows)
        new: list[tuple[CustomerRow, User]] = []
        for row in parsed:
            if (
                user := _upsert(row, by_phone=by_phone, by_email=by_email, summary=summary, seen=seen)
            ) is not None:
                new.append((row, user))
        _create_all(new, summary=summary)
        # Keep the report in source order (conflicts found while creating come last otherwise).
        summary.skipped_rows[first_skip:] = sorted(
            summary.skipped_rows[first_skip:], key=lambda item: item.row
        )
        if dry_run:
            transaction.set_rollback(True)


def _upsert(
    row: CustomerRow,
    *,
    by_phone: dict[str, User],
    by_email: dict[str, User],
    summary: ImportSummary,
    seen: _Seen,
) -> User | None:
    """Skip, update or leave the row's customer; returns a new (unsaved) customer to create."""
    earlier = seen.earlier_row(row)
    if earlier is not None:
        summary.skip(row.number, SkipCode.DUPLICATE, _("duplicate of row %(row)d") % {"row": earlier})
        return None
    phone_owner = by_phone.get(row.phone) if row.phone else None
    email_owner = by_email.get(row.email) if row.email else None
    if phone_owner and email_owner and phone_owner.pk != email_owner.pk:
        summary.skip(
            row.number,
            SkipCode.CONFLICT,
            _("the phone belongs to customer #%(phone_owner)d and the email to customer #%(email_owner)d")
            % {"phone_owner": phone_owner.pk, "email_owner": email_owner.pk},
        )
        return None
    user = phone_owner or email_owner
    if user is None:
        seen.add(row, customer_id=None)
        user = User(**row.profile)
        # No password: make_password(None) is a random unusable one, no hashing cost.
        user.set_unusable_password()
        return user
    if user.pk in seen.customers:
        summary.skip(
            row.number,
            SkipCode.DUPLICATE,
            _("customer #%(id)d was already imported from row %(row)d")
            % {"id": user.pk, "row": seen.customers[user.pk]},
        )
        return None
    if user.is_staff:
        summary.skip(row.number, SkipCode.STAFF, _("matches a staff account"))
        return None
    if user.is_deleted:
        summary.skip(row.number, SkipCode.DELETED, _("matches deleted customer #%(id)d") % {"id": user.pk})
        return None
    # Only what the customer is missing. A phone/email is free here: had it belonged to
    # someone else, that owner would be in the maps and the row a conflict above.
    changes = {name: value for name, value in row.profile.items() if value and not getattr(user, name)}
    if not changes:
        summary.unchanged += 1
        seen.add(row, user.pk)
        return None
    try:
        with transaction.atomic():
            for name, value in changes.items():
                setattr(user, name, value)
            user.save(update_fields=[*changes, "updated_at"])
    except (IntegrityError, DataError) as exc:
        user.refresh_from_db()
        summary.skip(row.number, *_write_refused(exc))
        return None
    summary.updated += 1
    seen.add(row, user.pk)
    return None


def _create_all(new: list[tuple[CustomerRow, User]], *, summary: ImportSummary) -> None:
    """Insert the batch's new customers in one statement; if a concurrent write took one of
    their phones or emails, row by row instead, so only the conflicting rows are skipped."""
    if not new:
        return
    try:
        with transaction.atomic():
            User.objects.bulk_create([user for _row, user in new])
        summary.created += len(new)
        return
    except (IntegrityError, DataError):
        # Fall through to row by row: the conflicting rows are skipped, the rest created.
        for _row, user in new:
            user.pk = None
    for row, user in new:
        try:
            with transaction.atomic():
                user.save()
        except (IntegrityError, DataError) as exc:
            summary.skip(row.number, *_write_refused(exc))
            continue
        summary.created += 1


def _write_refused(exc: Exception) -> tuple[SkipCode, str]:
    if isinstance(exc, IntegrityError):
        # The unique phone/email index: a concurrent registration or import got there first.
        return SkipCode.CONFLICT, _("the phone or email was taken by another customer meanwhile")
    return SkipCode.MALFORMED, _("the database refused a value: %(error)s") % {"error": exc}


# --- runs (the Celery task, the command, the admin's history) ------------------------------------


def import_run_create(
    *,
    source: str,
    file_path: str = "",
    dry_run: bool = False,
    batch_size: int | None = None,
    requested_by: User | None = None,
) -> ImportRun:
    if source == ImportSourceKind.LEGACY_DATABASE and not legacy_database_configured():
        raise ImportSourceNotConfigured()
    return ImportRun.objects.create(
        source=source,
        file_path=file_path,
        dry_run=dry_run,
        batch_size=batch_size or default_batch_size(),
        requested_by=requested_by,
    )


def import_run_start(
    *, dry_run: bool = False, batch_size: int | None = None, requested_by: User | None = None
) -> ImportRun:
    """Queue an import of the legacy database; the run's id is the Celery task id."""
    with transaction.atomic():
        run = import_run_create(
            source=ImportSourceKind.LEGACY_DATABASE,
            dry_run=dry_run,
            batch_size=batch_size,
            requested_by=requested_by,
        )
        run_id = str(run.pk)
        # After commit: the worker must find the row.
        transaction.on_commit(lambda: _import_task_publish(run_id=run_id))
    return run


def _import_task_publish(*, run_id: str) -> None:
    """Hand the run to Celery. A broker that is down fails the run (with the reason) rather
    than the request: staff see it failed and start another when the queue is back."""
    from accounts.tasks import import_customers  # the task module imports this one

    try:
        import_customers.apply_async(kwargs={"run_id": run_id}, task_id=run_id)
    except BrokerUnreachable as exc:
        logger.warning("import run %s: broker unreachable (%s)", run_id, type(exc).__name__)
        ImportRun.objects.filter(pk=run_id, status=ImportRunStatus.QUEUED).update(
            status=ImportRunStatus.FAILED,
            error=_("The task queue is unreachable; start the import again later"),
            finished_at=timezone.now(),
        )


def import_run_get(*, run_id: UUID | str) -> ImportRun:
    run = ImportRun.objects.select_related("requested_by").filter(pk=run_id).first()
    if run is None:
        raise ImportRunNotFound()
    return run


def import_run_execute(
    *,
    run_id: UUID | str,
    progress: ProgressCallback | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> ImportRun:
    """Run a queued import and record its progress and summary on the run.

    A run that already finished is not run again (a redelivered task); one left `running`
    by a lost worker is, which is safe since the import is idempotent. A failing source
    marks the run failed with the reason (no exception); anything unexpected marks it
    failed and is raised.
    """
    claimed = ImportRun.objects.filter(
        pk=run_id, status__in=[ImportRunStatus.QUEUED, ImportRunStatus.RUNNING]
    ).update(status=ImportRunStatus.RUNNING, started_at=timezone.now(), error="")
    run = import_run_get(run_id=run_id)
    if not claimed:
        return run
    kept = int(getattr(settings, "IMPORT_SKIPPED_ROWS_KEPT", DEFAULT_SKIPPED_ROWS_KEPT))

    def record(summary: ImportSummary, total: int | None) -> None:
        ImportRun.objects.filter(pk=run.pk).update(total=total, **_counters(summary, kept=kept))
        if progress:
            progress(summary, total)

    try:
        source: CustomerSource
        if run.source == ImportSourceKind.FILE:
            source = FileSource(run.file_path)
        else:
            source = DatabaseSource(sleep=sleep)
        summary = customers_import(
            source=source, dry_run=run.dry_run, batch_size=run.batch_size, progress=record
        )
    except (ImportSourceNotConfigured, ImportSourceUnavailable, ImportSourceInvalid) as exc:
        logger.warning("import run %s failed: %s", run.pk, exc)
        _run_finish(run, status=ImportRunStatus.FAILED, error=force_str(exc.message))
        return import_run_get(run_id=run.pk)
    except Exception:
        logger.exception("import run %s crashed", run.pk)
        _run_finish(run, status=ImportRunStatus.FAILED, error=_("The import stopped on an internal error"))
        raise
    _run_finish(run, status=ImportRunStatus.SUCCEEDED, counters=_counters(summary, kept=kept))
    return import_run_get(run_id=run.pk)


def _counters(summary: ImportSummary, *, kept: int) -> dict[str, Any]:
    return {
        "read_count": summary.read,
        "created_count": summary.created,
        "updated_count": summary.updated,
        "unchanged_count": summary.unchanged,
        "skipped_count": summary.skipped,
        "skipped_rows": [asdict(row) for row in summary.skipped_rows[:kept]],
    }


def _run_finish(
    run: ImportRun, *, status: ImportRunStatus, error: str = "", counters: dict[str, Any] | None = None
) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, error=error, finished_at=timezone.now(), **(counters or {})
    )
