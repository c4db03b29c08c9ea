"""Aggregate queries written once with named parameters, run on SQLite or PostgreSQL."""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Callable, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import NamedTuple, TypeVar

from asyncpg.exceptions import IntegrityConstraintViolationError
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

M = TypeVar("M", bound=Model)

_NAME = re.compile(r"(?<!:):([a-z_][a-z_0-9]*)")


def positional(sql: str, params: dict, dialect: str) -> tuple[str, list]:
    """`:name` placeholders turned into the driver's own (`?` or `$1`), with their values."""
    query, names = _placed_names(sql, dialect)
    return query, [params[name] for name in names]


@functools.lru_cache(maxsize=512)
def _placed_names(sql: str, dialect: str) -> tuple[str, tuple[str, ...]]:
    """The statement for the driver and its parameters' names in order, worked out once per
    statement: the pattern's substitution was a tenth of reading a signed-in person's session."""
    names: list[str] = []

    def place(match: re.Match) -> str:
        names.append(match.group(1))
        return f"${len(names)}" if dialect == "postgres" else "?"

    return _NAME.sub(place, sql), tuple(names)


def dialect() -> str:
    """The database's SQL dialect, for the few functions spelt differently ("sqlite",
    "postgres")."""
    return get_connection("default").capabilities.dialect


async def rows(sql: str, params: dict) -> list[dict]:
    connection = get_connection("default")
    query, values = positional(sql, params, connection.capabilities.dialect)
    return await connection.execute_query_dict(query, values)


# Values bound in one statement of `rows_among`: SQLite caps a statement's bound values.
AMONG_CHUNK = 500


async def rows_among(sql: str, values: Sequence) -> list[dict]:
    """The rows of a statement whose `{among}` is a list of values, run a slice of the values at
    a time. Built by the ORM, the IN lists of an import's 100,000 numbers took 1.6 s to write."""
    found: list[dict] = []
    for start in range(0, len(values), AMONG_CHUNK):
        chunk = values[start : start + AMONG_CHUNK]
        names = {f"among_{i}": value for i, value in enumerate(chunk)}
        among = ", ".join(f":{name}" for name in names)
        found += await rows(sql.format(among=among), names)
    return found


async def ids(sql: str, params: dict) -> array:
    """The first column of every row, integers, as an array: a national list's 400,000 ids read
    as rows took 60 MB for a moment (SQLite's client reads them a chunk at a time)."""
    connection = get_connection("default")
    return await _read_ids(connection, *positional(sql, params, connection.capabilities.dialect))


async def ids_of(query: QuerySet) -> array:
    """The ids of a query's rows, in its order, read as `ids` reads them."""
    listed = query.values_list("id", flat=True)
    listed.sql()  # the statement is built, with its parameters as the driver takes them
    return await _read_ids(get_connection("default"), *listed.query.get_parameterized_sql())


async def _read_ids(connection, query: str, values: list) -> array:
    read_ids = getattr(connection, "read_ids", None)
    if read_ids is not None:
        return await read_ids(query, values)
    return array("q", (row[0] for row in (await connection.execute_query(query, values))[1]))


async def changed(sql: str, params: dict) -> int:
    """Run an UPDATE or DELETE; the number of rows it changed (what a guarded update claims)."""
    connection = get_connection("default")
    query, values = positional(sql, params, connection.capabilities.dialect)
    return (await connection.execute_query(query, values))[0]


async def each(sql: str, params: list[dict]) -> None:
    """One statement run for each set of parameters, handed to the driver at once (SQLite's
    executemany; asyncpg's pipelines them): the few rows a learner's request writes, the
    people an import changes."""
    if not params:
        return
    connection = get_connection("default")
    query, names = _placed_names(sql, connection.capabilities.dialect)
    await connection.execute_many(query, list(map(_picker(names), params)))


def built(model: type[M], **columns) -> M:
    """A saved instance from its table's columns, made by the ORM's own constructor for rows
    (which converts the values as it does for its queries)."""
    return model._init_from_db(**columns)


def columns(model: type[Model], alias: str) -> str:
    """The model's columns in a joined statement, each named `{alias}_{column}`."""
    return ", ".join(f'{alias}."{name}" AS {alias}_{name}' for name in model._meta.db_fields)


def built_from(model: type[M], row: dict, alias: str) -> M:
    """The instance whose `columns(model, alias)` a joined row holds."""
    return built(model, **{name: row[f"{alias}_{name}"] for name in model._meta.db_fields})


async def instances(model: type[M], condition: str, params: dict) -> list[M]:
    """The rows of the model's table that `condition` (what follows WHERE: filters, order,
    limit) selects, as instances. On the pages every learner opens: composing a query through
    the ORM takes about 0.1 ms, ten times reading a row by its key."""
    found = await rows(f'SELECT * FROM "{model._meta.db_table}" WHERE {condition}', params)
    return [built(model, **row) for row in found]


async def many(sql: str, params: list[dict]) -> None:
    """An `INSERT … VALUES (…)` written for one row, run for many. On SQLite its VALUES group is
    repeated for a few hundred rows to a statement: run once per row, the statement made the
    word index behind a trigger (training/search.py) write out its pending entries at every
    row, 100,000 staff in 9.3 s instead of 1.4 s. PostgreSQL pipelines it once per row."""
    if not params:
        return
    head, group, tail = _around_values(sql)
    pick = _picker(_NAME.findall(group))
    await _insert_in_statements(head, group, tail, [pick(row) for row in params])


async def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows given as tuples in the order of `columns`, inserted as `many` does."""
    group = "(" + ", ".join(f":{column}" for column in columns) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    await _insert_in_statements(head, group, "", rows)


# Enough that SQLite's word index seldom flushes, far below its limit of bound values (32,766).
_ROWS_PER_STATEMENT = 250


def _around_values(sql: str) -> tuple[str, str, str]:
    """The statement before its `VALUES (…)` group, the group, and what follows it."""
    start = sql.upper().index("VALUES") + len("VALUES")
    start = sql.index("(", start)
    depth = 0
    for end in range(start, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        if depth == 0:
            break
    head, group, tail = sql[:start], sql[start : end + 1], sql[end + 1 :]
    if _NAME.search(head + tail):
        raise ValueError("parameters outside the VALUES group")
    return head, group, tail


async def _insert_in_statements(head: str, group: str, tail: str, rows: list[tuple]) -> None:
    """All the rows or none, whether or not a transaction is open."""
    if not rows:
        return
    async with in_transaction() as transaction:
        dialect = transaction.capabilities.dialect
        placed = _placed_names(group, dialect)[0]
        if dialect == "postgres":
            copied = _copied(head, group, tail)
            if copied is not None and (not copied.skipping_conflicts or len(rows) >= _STAGED_FROM):
                async with transaction.acquire_connection() as connection:
                    try:
                        await _copy(connection, copied, rows)
                    except IntegrityConstraintViolationError as exc:
                        raise IntegrityError(exc) from exc  # as Tortoise's own inserts say it
                return
            # One plan for every row: each connection otherwise plans each statement for its
            # own values (training/database.py), which made an import of 100,000 people 3 s
            # slower.
            await transaction.execute_script("SET LOCAL plan_cache_mode = force_generic_plan")
            await transaction.execute_many(f"{head}{placed}{tail}", rows)
            await transaction.execute_script("SET LOCAL plan_cache_mode TO DEFAULT")
            return
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            values = ", ".join([placed] * len(chunk))
            flat = [value for row in chunk for value in row]
            await transaction.execute_query(f"{head}{values}{tail}", flat)


_PLAIN_INSERT = re.compile(r'\s*INSERT INTO "?(\w+)"? \(([^()]*)\)\s*VALUES\s*$', re.I)
_PLACEHOLDERS = re.compile(r"\(\s*:\w+(\s*,\s*:\w+)*\s*\)")
_SKIP_CONFLICTS = re.compile(r"\s*ON CONFLICT DO NOTHING\s*", re.I)
# Fewer rows that may conflict go in as statements: staging them costs a few statements more.
_STAGED_FROM = 1_000


class _Copy(NamedTuple):
    table: str
    columns: tuple[str, ...]
    skipping_conflicts: bool


@functools.lru_cache(maxsize=64)
def _copied(head: str, group: str, tail: str) -> _Copy | None:
    """The table and columns of an insert PostgreSQL can take as COPY (a value for each column,
    nothing after but skipping conflicts): 100,000 new people, their password links and their
    first emails went in 11 s of the server's time as one statement a row."""
    insert = _PLAIN_INSERT.match(head)
    if insert is None or not _PLACEHOLDERS.fullmatch(group.strip()):
        return None
    skipping = bool(tail.strip())
    if skipping and not _SKIP_CONFLICTS.fullmatch(tail):
        return None
    return _Copy(insert[1], tuple(c.strip().strip('"') for c in insert[2].split(",")), skipping)


async def _copy(connection, copy: _Copy, rows: list[tuple]) -> None:
    """COPY cannot pass over a row whose key is taken: rows that may conflict are copied to a
    scratch table, then inserted from it skipping conflicts, as the statement said."""
    if not copy.skipping_conflicts:
        await connection.copy_records_to_table(copy.table, records=rows, columns=copy.columns)
        return
    names = ", ".join(f'"{column}"' for column in copy.columns)
    await connection.execute(
        f'CREATE TEMPORARY TABLE staged AS SELECT {names} FROM "{copy.table}" WITH NO DATA'
    )
    await connection.copy_records_to_table("staged", records=rows, columns=copy.columns)
    await connection.execute(
        f'INSERT INTO "{copy.table}" ({names}) SELECT {names} FROM staged ON CONFLICT DO NOTHING'
    )
    await connection.execute("DROP TABLE staged")


def _picker(names: Sequence[str]) -> Callable[[dict], tuple]:
    """A row's values in the statement's order: itemgetter is several times faster than a loop
    over 100,000 rows, but gives a bare value, not a tuple, for a single name."""
    if len(names) == 1:
        return lambda row: (row[names[0]],)
    return itemgetter(*names)


async def counted_by(query: QuerySet, key: str) -> dict:
    """How many of the query's rows each value of `key` has (a value without rows is absent)."""
    rows = await query.annotate(n=Count("id")).group_by(key).values(key, "n")
    return {row[key]: row["n"] for row in rows}


async def scalar(sql: str, params: dict) -> int:
    result = await rows(sql, params)
    return next(iter(result[0].values())) or 0 if result else 0


def as_date(value: object) -> date | datetime | None:
    """A date or time read back from a raw query (SQLite returns text)."""
    if value is None or isinstance(value, date):
        return value
    text = str(value)
    return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
