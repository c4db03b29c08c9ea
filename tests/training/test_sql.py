"""training/sql.py: bulk inserts (many rows, several statements, conflicts kept out) and rows
read by hand as model instances."""

from collections.abc import AsyncIterator

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from training import sql
from training.models import Role, Staff


@pytest.fixture
async def probe(app) -> AsyncIterator[None]:
    """A table of its own (PostgreSQL test databases are emptied, not dropped, between tests)."""
    connection = get_connection("default")
    await connection.execute_script(
        "CREATE TABLE probe (n INTEGER PRIMARY KEY, label VARCHAR(20), kind VARCHAR(10))"
    )
    yield
    await connection.execute_script("DROP TABLE probe")


async def probe_rows() -> list[dict]:
    return await sql.rows("SELECT n, label, kind FROM probe ORDER BY n", {})


async def test_many_inserts_every_row_across_statements_and_skips_conflicts(probe):
    rows = [{"n": n, "label": f"first {n}"} for n in range(600)]
    rows += [{"n": n, "label": f"again {n}"} for n in (0, 249, 250, 599)]
    await sql.many(
        "INSERT INTO probe (n, label, kind) VALUES (:n, :label, 'bulk') ON CONFLICT DO NOTHING",
        rows,
    )
    stored = await probe_rows()
    assert [row["n"] for row in stored] == list(range(600))
    assert {row["label"] for row in stored} == {f"first {n}" for n in range(600)}
    assert {row["kind"] for row in stored} == {"bulk"}


async def test_many_skips_conflicts_among_thousands_of_rows(probe):
    """Past a thousand rows PostgreSQL takes them by COPY into a scratch table, then inserts
    them from it skipping conflicts: twice in one transaction too."""
    await sql.insert_rows("probe", ("n", "label"), [(5, "before")])
    rows = [{"n": n, "label": f"first {n}"} for n in range(1500)] + [{"n": 7, "label": "again"}]
    insert = "INSERT INTO probe (n, label) VALUES (:n, :label) ON CONFLICT DO NOTHING"
    async with in_transaction():
        await sql.many(insert, rows)
        await sql.many(insert, [{**row, "label": "third"} for row in rows[:1200]])
    stored = await probe_rows()
    assert [row["n"] for row in stored] == list(range(1500))
    assert stored[5]["label"] == "before" and stored[7]["label"] == "first 7"
    assert {row["label"] for row in stored[1200:]} == {f"first {n}" for n in range(1200, 1500)}


async def test_rows_among_reads_more_values_than_a_statement_binds(probe):
    await sql.insert_rows("probe", ("n", "label"), [(n, f"row {n}") for n in range(1200)])
    found = await sql.rows_among(
        "SELECT n, label FROM probe WHERE n IN ({among})", list(range(0, 2400, 2))
    )
    assert sorted(row["n"] for row in found) == list(range(0, 1200, 2))
    assert await sql.rows_among("SELECT n FROM probe WHERE n IN ({among})", []) == []


async def test_insert_rows_takes_tuples_in_the_columns_order(probe):
    await sql.insert_rows("probe", ("label", "n"), [(f"row {n}", n) for n in range(260)])
    stored = await probe_rows()
    assert len(stored) == 260 and stored[259] == {"n": 259, "label": "row 259", "kind": None}


async def test_many_refuses_parameters_outside_its_values(probe):
    with pytest.raises(ValueError, match="outside the VALUES group"):
        await sql.many(
            "INSERT INTO probe (n, label) VALUES (:n, :label) ON CONFLICT (n) DO UPDATE SET "
            "label = :label",
            [{"n": 1, "label": "x"}],
        )
    assert await probe_rows() == []


async def test_many_writes_nothing_when_a_row_is_refused(probe):
    rows = [{"n": n, "label": f"row {n}"} for n in range(400)] + [{"n": 3, "label": "twice"}]
    with pytest.raises(IntegrityError):
        await sql.many("INSERT INTO probe (n, label) VALUES (:n, :label)", rows)
    assert await probe_rows() == []


async def test_instances_are_the_orm_s_own(app, world):
    """Read by hand, converted as the ORM converts: dates, enums, foreign keys, saving."""
    [found] = await sql.instances(Staff, "id = :id", {"id": world.hr_min1.id})
    fetched = await Staff.get(id=world.hr_min1.id)
    assert {name: getattr(found, name) for name in Staff._meta.fields_db_projection} == {
        name: getattr(fetched, name) for name in Staff._meta.fields_db_projection
    }
    assert found.role is Role.HR and found.created_at.tzinfo is not None
    found.full_name = "Renommé"
    await found.save(update_fields=["full_name"])
    assert (await Staff.get(id=found.id)).full_name == "Renommé"
    assert await Staff.filter(id=found.id).count() == 1
    assert await sql.instances(Staff, "id = :id", {"id": -1}) == []


async def test_changed_counts_the_rows_a_guarded_update_claims(probe):
    await sql.insert_rows("probe", ("n", "label", "kind"), [(1, "a", "x"), (2, "b", "x")])
    claim = "UPDATE probe SET kind = :new WHERE kind = :old"
    assert await sql.changed(claim, {"new": "y", "old": "x"}) == 2
    assert await sql.changed(claim, {"new": "y", "old": "x"}) == 0
    assert await sql.changed("DELETE FROM probe WHERE n = :n", {"n": 1}) == 1
    assert await probe_rows() == [{"n": 2, "label": "b", "kind": "y"}]
