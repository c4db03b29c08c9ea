"""Searches for a word inside names and numbers, answered by an index rather than by reading
every person or certificate in the country (a word that matched nothing read all 1.6 million
certificates: 5 s at national size).

SQLite answers from an FTS5 table per searched table, with the trigram tokenizer (which
finds any run of 3 characters or more and folds case beyond ASCII), kept up to date by
triggers. PostgreSQL answers the ORM's own `icontains` from pg_trgm indexes on the very
expression it compares, `UPPER(CAST(column AS VARCHAR))`.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from tortoise.expressions import Q, RawSQL

from training import sql

# Shorter words have no trigram to look up: they are compared row by row.
_SHORTEST_INDEXED = 3


def _index_table(table: str) -> str:
    return f"{table}_search"


def word_filter(table: str, columns: tuple[str, ...], word: str) -> Q:
    """Rows of `table` (its primary key `id`) with `word` inside one of `columns`, any case."""
    sqlite = sql.dialect() == "sqlite"
    if sqlite and len(word) >= _SHORTEST_INDEXED:
        # A quoted FTS5 phrase takes the word literally; the ORM cannot pass a parameter into
        # a raw subquery, so the phrase is written as an SQL string literal.
        phrase = '"' + word.replace('"', '""') + '"'
        literal = "'" + phrase.replace("'", "''") + "'"
        index = _index_table(table)
        return Q(id__in=RawSQL(f"(SELECT rowid FROM {index} WHERE {index} MATCH {literal})"))
    return reduce(or_, (Q(**{f"{column}__icontains": word}) for column in columns))


def sqlite_index(table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table over `columns`, its triggers, and its filling from the rows already there."""
    index = _index_table(table)
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    add = f"INSERT INTO {index} (rowid, {names}) VALUES (new.id, {new});"
    remove = f"INSERT INTO {index} ({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {index} ({index}) VALUES ('rebuild')",
    ]


def postgres_index(table: str, columns: tuple[str, ...]) -> list[str]:
    """pg_trgm indexes on the expressions `icontains` compares, then the statistics of those
    expressions: without them the planner guessed 159 certificates for a name 47,000 hold and
    joined them one by one (233 ms; 35 ms analysed)."""
    indexes = [
        f'CREATE INDEX {table}_{column}_trgm ON "{table}" '
        f'USING gin ((UPPER(CAST("{column}" AS VARCHAR))) gin_trgm_ops)'
        for column in columns
    ]
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm", *indexes, f'ANALYZE "{table}"']


def create_index(table: str, columns: tuple[str, ...]):
    """A migration step building the word index of `table` on whichever database it runs."""

    async def create(apps, schema_editor) -> None:
        client = schema_editor.client
        build = sqlite_index if client.capabilities.dialect == "sqlite" else postgres_index
        for statement in build(table, columns):
            await client.execute_script(statement)

    return create
