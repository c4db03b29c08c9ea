"""Word searches: what a person types finds the names and numbers that contain it, from an index
that follows every change."""

import pytest
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from tests.conftest import add_staff, shown
from tests.training.test_staff_import import HEADER, csv_file, run_import
from training.database import connection_config
from training.models import Staff
from training.staff import SEARCHED_COLUMNS, search_staff, staff_query


async def found(actor: Staff, search: str) -> set[str]:
    rows, total = await search_staff(actor, search, page=1, page_size=50)
    assert total == len(rows)
    return {row.full_name for row in rows}


async def test_a_word_is_found_inside_any_searched_field_in_any_case(world):
    await add_staff("MA-1", world.dir_a, full_name="Élodie MARTIN")
    await add_staff("MA-2", world.dir_a, full_name="Karim Lamartine", job_title="Archiviste")
    await add_staff("MA-3", world.dir_a, full_name="Sanaa Idrissi", email="s.idrissi@gov.example")
    await add_staff("RX-77", world.dir_a, full_name="Yassine Bennani")

    assert await found(world.admin, "martin") == {"Élodie MARTIN", "Karim Lamartine"}
    assert await found(world.admin, "ÉLODIE") == {"Élodie MARTIN"}
    assert await found(world.admin, "élodie") == {"Élodie MARTIN"}
    assert await found(world.admin, "ARCHIV") == {"Karim Lamartine"}
    assert await found(world.admin, "idrissi@gov") == {"Sanaa Idrissi"}
    assert await found(world.admin, "rx-7") == {"Yassine Bennani"}
    # Every word must be found, each in any field.
    assert await found(world.admin, "martin archiviste") == {"Karim Lamartine"}
    # Two letters have no index entry of their own: still found.
    assert await found(world.admin, "Be") == {"Yassine Bennani"}


@pytest.mark.parametrize("typed", ["O'Brien", '"Brien', "Brien'--", "%rie", "_rien", "Bri*"])
async def test_quotes_and_wildcards_are_searched_for_as_typed(world, typed):
    await add_staff("OB-1", world.dir_a, full_name="Aoife O'Brien")
    await add_staff("OB-2", world.dir_a, full_name="Brian Obrien")
    expected = {"Aoife O'Brien"} if typed == "O'Brien" else set()
    assert await found(world.admin, typed) == expected


async def test_the_index_follows_renames_and_deletions(world):
    person = await add_staff("RN-1", world.dir_a, full_name="Nadia Berrada")
    person.full_name = "Nadia Tazi"
    await person.save()
    assert await found(world.admin, "berrada") == set()
    assert await found(world.admin, "tazi") == {"Nadia Tazi"}

    await Staff.filter(id=person.id).update(job_title="Comptable")
    assert await found(world.admin, "comptable") == {"Nadia Tazi"}
    await person.delete()
    assert await found(world.admin, "tazi") == set()


async def test_people_imported_from_a_file_are_found(world):
    """An import writes its people many to a statement (training/sql.py insert_rows)."""
    rows = [f"IM-{n},Imane Sqalli {n},imane{n}@example.org,MIN1-A,Juriste,fr," for n in range(30)]
    await run_import(csv_file(HEADER, *rows), world.admin)
    assert await found(world.admin, "sqalli 17") == {"Imane Sqalli 17"}
    assert len(await found(world.admin, "sqalli")) == 30


async def test_the_search_stays_in_the_officers_scope(client, world):
    await add_staff("SC-1", world.dir_a, full_name="Hamza Alaoui")
    await add_staff("SC-2", world.min2, full_name="Hamza Chraibi")
    await client.login("hra@example.org")
    page = shown(await client.get("/staff?q=hamza"))
    assert "Hamza Alaoui" in page and "Hamza Chraibi" not in page


async def word_index_plan(query) -> str:
    """The database's plan for a search query, bitmap index scans preferred as on a big table
    (the tests' tables are too small for the planner to choose them)."""
    sql = query.sql(params_inline=True)
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "sqlite":
            rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}")
            return " ".join(row["detail"] for row in rows)
        await connection.execute_script(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
        )
        rows = await connection.execute_query_dict(f"EXPLAIN {sql}")
        return " ".join(row["QUERY PLAN"] for row in rows)


def reads_word_index(plan: str, table: str, columns: tuple[str, ...]) -> bool:
    """SQLite reads the FTS5 table, PostgreSQL each column's trigram index."""
    if f"{table}_search VIRTUAL TABLE INDEX" in plan:
        return True
    return all(f"{table}_{column}_trgm" in plan for column in columns)


async def test_a_search_reads_an_index_not_every_row(world):
    """It fails when the ORM's expression and the index differ, or the subquery is lost. With
    the leavers too: on these few rows, PostgreSQL made to prefer bitmap scans reads "active"
    from the index of (agency, active) instead, which it does not on a national table."""
    plan = await word_index_plan(staff_query(world.admin, "martin", include_inactive=True))
    assert reads_word_index(plan, "staff", SEARCHED_COLUMNS), plan


async def test_postgresql_plans_each_search_for_the_word_searched(world):
    """A plan kept for every word walked the biggest ministry's certificates for a word nobody
    has (12 ms, then 750 ms from the sixth search on)."""
    connection = get_connection("default")
    if connection.capabilities.dialect == "sqlite":
        credentials = connection_config("postgres://amane@db.example/amane")["credentials"]
        assert credentials["server_settings"] == {"plan_cache_mode": "force_custom_plan"}
    else:
        rows = await connection.execute_query_dict("SHOW plan_cache_mode")
        assert rows == [{"plan_cache_mode": "force_custom_plan"}]
