"""Statements written once, as text, for the few paths where building and compiling a queryset
costs more Python than PostgreSQL spends running it (the door: docs/performance.md).

They run through Django's connection, so transactions, `CaptureQueriesContext` and the query
log see them like any other; their rows become model instances through `Model.from_db`, with
the fields' own conversions (JSON, viewflow's node references), as the ORM would build them.
"""

from __future__ import annotations

import functools
import hashlib
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

# ---- Prepared once per connection (docs/performance.md, #19 step 11)
#
# With client-side binding (the project's psycopg setting, which lets several statements go in
# one round trip) PostgreSQL parses and plans every statement it is sent, and the door's
# statements take it longer to plan than to run. So the first time a connection sends one of
# them it also sends `PREPARE dvk_<hash> AS <the statement, placeholders as $n>`, in the same
# round trip, and from then on `EXECUTE dvk_<hash>(<the values>)`: the same round trips, the
# statement planned once (a generic plan after PostgreSQL's five custom ones). Prepared
# statements live in the server session: off behind PgBouncer in transaction mode
# (settings.DATABASE_PREPARED_STATEMENTS). A statement sent through here must be preparable:
# where nothing around a parameter tells PostgreSQL its type, cast it (`%(ids)s::bigint[]`);
# the tests run with the setting on, so one that is not fails there.

# What the connection has prepared, by psycopg connection (a new connection starts empty);
# None: not known (after an error), read back from pg_prepared_statements before the next use.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MAX_PREPARED = 200  # per connection: statements whose text varies are not prepared forever
# 26000 invalid_sql_statement_name: an EXECUTE of what the server no longer has (DEALLOCATE
# ALL); 42P05 duplicate_prepared_statement.
LOST = frozenset({"26000", "42P05"})
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


@dataclass(frozen=True)
class Shape:
    name: str
    prepare: str  # PREPARE name AS the statement with $n
    execute: str  # EXECUTE name(the original placeholders, bound by psycopg as before)


@functools.lru_cache(maxsize=512)
def shape(text: str) -> Shape:
    """The PREPARE and EXECUTE of one statement (named or positional placeholders)."""
    args: list[str] = []
    numbers: dict[str, int] = {}

    def number(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%%"  # still a formatted string: psycopg turns it into %
        name = match.group(1)
        if name is None:
            args.append("%s")
            return f"${len(args)}"
        if name not in numbers:
            args.append(f"%({name})s")
            numbers[name] = len(args)
        return f"${numbers[name]}"

    body = _PLACEHOLDER.sub(number, text.strip())
    name = "dvk_" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]
    _TEXTS[name] = text.strip()
    return Shape(
        name=name,
        prepare=f"PREPARE {name} AS {body}",
        execute=f"EXECUTE {name}({', '.join(args)})" if args else f"EXECUTE {name}",
    )


_TEXTS: dict[str, str] = {}  # name -> statement, for `readable`
_EXECUTE = re.compile(r"EXECUTE (dvk_\w+)(\(.*\))?", re.DOTALL)


def readable(logged: str) -> str:
    """A logged text as if nothing were prepared: each EXECUTE shown as its statement (with
    placeholders, not values), the PREPAREs left out. For tests and reading query logs."""
    parts = [p for p in logged.split(";\n") if not p.startswith("PREPARE dvk_")]
    return ";\n".join(
        _EXECUTE.sub(lambda m: _TEXTS.get(m.group(1), m.group(0)), p)
        if p.startswith("EXECUTE dvk_")
        else p
        for p in parts
    )


def preparing() -> bool:
    return (
        connection.vendor == "postgresql"
        and not _server_side_binding()
        and bool(getattr(settings, "DATABASE_PREPARED_STATEMENTS", False))
    )


def _known(cursor) -> set[str]:
    raw = connection.connection
    names = _prepared.get(raw)
    if names is None:
        if raw in _prepared:  # after an error: ask the server (one round trip, rarely)
            cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'dvk\\_%'")
            names = {row[0] for row in cursor.fetchall()}
        else:
            names = set()
        _prepared[raw] = names
    return names


def forget() -> None:
    """What this connection has prepared is no longer known (an error, a DEALLOCATE)."""
    if connection.connection is not None:
        _prepared[connection.connection] = None


def run(cursor, texts: Sequence[str], params: Sequence | dict | None, tail: str = "") -> None:
    """Send `texts` (and `tail`, e.g. COMMIT, as is) in one round trip, prepared when the
    setting allows; the cursor is left on the first statement's rows."""
    if not preparing():
        cursor.execute(";\n".join([*texts, *([tail] if tail else [])]), params)
        return
    known = _known(cursor)
    prepares: list[str] = []
    executes: list[str] = []
    new: list[str] = []
    for text in texts:
        s = shape(text)
        if s.name not in known and s.name not in new:
            if len(known) + len(new) >= _MAX_PREPARED:
                executes.append(text)
                continue
            prepares.append(s.prepare)
            new.append(s.name)
        executes.append(s.execute)
    try:
        cursor.execute(";\n".join([*prepares, *executes, *([tail] if tail else [])]), params)
    except DatabaseError as exc:
        state = getattr(exc.__cause__, "sqlstate", None)
        if state in LOST:  # what we knew was wrong: read it back before the next statement
            forget()
        elif state != "25P02":  # not refused whole (a failed transaction): the PREPAREs, sent
            known.update(new)  # first, ran; if one did not, its EXECUTE says so (LOST) next
        raise
    known.update(new)
    for _prepare in prepares:  # their results hold no rows
        cursor.nextset()


def fetchall(sql: str, params: Sequence | dict = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        run(cursor, [sql], params)
        return cursor.fetchall()


def fetchone(sql: str, params: Sequence | dict = ()) -> tuple | None:
    with connection.cursor() as cursor:
        run(cursor, [sql], params)
        return cursor.fetchone()


def _server_side_binding() -> bool:
    return bool(connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"))


def fetch_sets(statements: Sequence[tuple[str, dict]]) -> list[list[tuple]]:
    """Several independent statements in one round trip, each one's rows in order. Their
    parameters are named and must not collide. With server-side binding (which allows one
    statement per execute) they are sent one after the other instead."""
    merged: dict = {}
    for _text, params in statements:
        assert not merged.keys() & params.keys(), "the statements' parameters collide"
        merged.update(params)
    if _server_side_binding():
        # One by one, each with every parameter: a statement may use another's (the lock's
        # reads name the subject the lock statement binds).
        return [fetchall(text, merged) for text, _params in statements]
    with connection.cursor() as cursor:
        run(cursor, [text for text, _params in statements], merged)
        results = [cursor.fetchall()]
        while cursor.nextset():
            results.append(cursor.fetchall())
    return results


@dataclass(frozen=True)
class Deferred:
    """A statement of the transaction whose rows are not needed at once: it is sent in the
    round trip of the next statement whose rows are (`fetch_with`), and `then` gets its rows.
    Its parameters are named, and must not collide with that statement's."""

    text: str
    params: dict
    then: Callable[[list[tuple]], None]


def fetch_with(deferred: Sequence[Deferred], text: str, params: dict) -> list[tuple]:
    """`text`'s rows, the deferred statements sent before it in the same round trip."""
    if not deferred:
        return fetchall(text, params)
    results = fetch_sets([*((d.text, d.params) for d in deferred), (text, params)])
    for statement, rows in zip(deferred, results, strict=False):
        statement.then(rows)
    return results[-1]


def may_carry_commit() -> bool:
    """Whether the statement about to run may end with the COMMIT of its transaction: on
    PostgreSQL, inside the outermost atomic block (not a savepoint, not a transaction opened
    by hand, not marked for rollback). The caller vouches that it is the block's last
    statement; the block's own commit then finds the connection idle and psycopg sends
    nothing, so the COMMIT costs no round trip of its own."""
    return (
        connection.vendor == "postgresql"
        and not _server_side_binding()
        and len(connection.atomic_blocks) == 1
        and not connection.savepoint_ids
        and connection.commit_on_exit
        and not connection.needs_rollback
    )


@functools.cache
def columns(model, alias: str) -> str:
    """The model's concrete columns, in field order, qualified by `alias` (for SELECT)."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


class Loader:
    """Builds instances of one model from a row slice laid out as `columns(model, …)`."""

    def __init__(self, model) -> None:
        fields = model._meta.concrete_fields
        self.model = model
        self.width = len(fields)
        self.names = [f.attname for f in fields]
        self.pk_index = fields.index(model._meta.pk)
        # Only the fields that convert what the database returns (JSON text, node references).
        self.converters = [
            (i, f.from_db_value, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value")
        ]

    def __call__(self, row: Sequence, start: int = 0):
        values = list(row[start : start + self.width])
        for i, convert, field in self.converters:
            values[i] = convert(values[i], field, connection)
        return self.model.from_db(connection.alias, self.names, values)

    def present(self, row: Sequence, start: int = 0) -> bool:
        """False for the NULLs a LEFT JOIN gives when there is no row."""
        return row[start + self.pk_index] is not None

    def all(self, rows: Iterable[Sequence], start: int = 0) -> list:
        return [self(row, start) for row in rows]


@functools.cache
def loader(model) -> Loader:
    return Loader(model)


def load(model, row: Sequence, start: int = 0) -> Any:
    return loader(model)(row, start)


# ---- Writing a row as Model.save() would, without building the statement each time


class Writer:
    """UPDATE and INSERT of every concrete column of one model, written once. The values go
    through each field's `pre_save` and `get_db_prep_save`, as in `Model.save()`."""

    def __init__(self, model) -> None:
        meta = model._meta
        self.model = model
        self.fields = [f for f in meta.concrete_fields if not f.primary_key and not f.generated]
        self.pk = meta.pk
        table = connection.ops.quote_name(meta.db_table)
        quote = connection.ops.quote_name
        self.update_sql = (
            f"UPDATE {table} SET {', '.join(f'{quote(f.column)} = %s' for f in self.fields)} "
            f"WHERE {quote(self.pk.column)} = %s"
        )
        self.insert_sql = (
            f"INSERT INTO {table} ({', '.join(quote(f.column) for f in self.fields)}) "
            f"VALUES ({', '.join(['%s'] * len(self.fields))}) RETURNING {quote(self.pk.column)}"
        )

    def values(self, obj, add: bool) -> list:
        return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in self.fields]


@functools.cache
def writer(model) -> Writer:
    return Writer(model)


def _plain_save_applies(obj) -> bool:
    """Only where Model.save() would do nothing more: PostgreSQL, and nobody listening to the
    model's save signals (none does today; if one ever does, the ORM's save runs instead)."""
    from django.db.models import signals

    model = type(obj)
    return (
        connection.vendor == "postgresql"
        and not signals.pre_save.has_listeners(model)
        and not signals.post_save.has_listeners(model)
    )


@functools.cache
def _partial_update(model, names: tuple[str, ...], expect: tuple[str, ...]) -> tuple[str, list]:
    meta, quote = model._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in names]
    where = [f"{quote(meta.pk.column)} = %s"]
    where += [f"{quote(meta.get_field(name).column)} = %s" for name in expect]
    statement = (
        f"UPDATE {quote(meta.db_table)} "
        f"SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} WHERE {' AND '.join(where)}"
    )
    return statement, fields


def update(obj, fields: Iterable[str] | None = None, *, expect: dict | None = None) -> bool:
    """Save an existing row as `save()` (or `save(update_fields=fields)`) would, optionally only
    where the row still holds `expect` (a guard like django-fsm's ConcurrentTransitionMixin).
    False when the caller must use `save()` instead: not applicable here, or no row matched
    (Django would then insert, or the guard's own error would be raised)."""
    if obj.pk is None or obj._state.adding or not _plain_save_applies(obj):
        return False
    obj._prepare_related_fields_for_save(operation_name="save")
    expect = expect or {}
    if fields is None and not expect:
        w = writer(type(obj))
        statement, params = w.update_sql, [*w.values(obj, False), obj.pk]
    else:
        names = (
            tuple(fields) if fields is not None else tuple(f.name for f in writer(type(obj)).fields)
        )
        statement, targets = _partial_update(type(obj), names, tuple(expect))
        params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in targets]
        params += [obj.pk, *expect.values()]
    with connection.cursor() as cursor:
        run(cursor, [statement], params)
        if cursor.rowcount != 1:
            return False
    obj._state.db = connection.alias
    return True


def insert(obj, *, link: tuple | None = None) -> bool:
    """Insert a new row (its key from the database) as `save()` would; with
    `link=(through_model, own_column, other_column, other_id)` the same statement also writes
    the many-to-many row joining it to `other_id`. False when the caller must use `save()`."""
    if obj.pk is not None or not _plain_save_applies(obj):
        return False
    w = writer(type(obj))
    obj._prepare_related_fields_for_save(operation_name="save")
    values = w.values(obj, True)
    if link is None:
        statement, params = w.insert_sql, values
    else:
        through, own, other, other_id = link
        quote = connection.ops.quote_name
        statement = (
            f"WITH new AS ({w.insert_sql}) "
            f"INSERT INTO {quote(through._meta.db_table)} ({quote(own)}, {quote(other)}) "
            f"SELECT new.{quote(w.pk.column)}, %s FROM new RETURNING {quote(own)}"
        )
        params = [*values, other_id]
    with connection.cursor() as cursor:
        run(cursor, [statement], params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return True
