"""Searching certificates: a holder's name or number, or the code, within the reader's scope."""

from certificates.listing import SEARCHED_COLUMNS, certificates_query
from tests.certificates.conftest import issued
from tests.conftest import add_staff, shown
from tests.training.test_search import reads_word_index, word_index_plan
from training.auth import now


async def listed(client, search: str) -> str:
    return shown(await client.get("/certificates/manage", params={"q": search}))


async def test_hr_finds_certificates_by_name_number_or_code(client, world, version):
    martin = await add_staff("MEN-4410", world.dir_a, full_name="Élodie Martin")
    elodie = await issued(martin, version)
    await issued(await add_staff("MEN-5120", world.dir_b, full_name="Omar Benjelloun"), version)
    await issued(await add_staff("MI-0077", world.min2, full_name="Élodie Fassi"), version)
    await client.login(world.hr_min1.email)

    by_name = await listed(client, "élodie")
    assert "Élodie Martin" in by_name and "Élodie Fassi" not in by_name
    assert "Omar Benjelloun" not in by_name
    by_number = await listed(client, "5120")
    assert "Omar Benjelloun" in by_number and "Élodie Martin" not in by_number
    by_code = await listed(client, elodie.shown_code.lower())
    assert "Élodie Martin" in by_code and "Omar Benjelloun" not in by_code
    assert "Aucun certificat ne correspond." in await listed(client, "qwerty")


async def test_a_certificate_search_reads_an_index_not_every_row(world):
    plan = await word_index_plan(certificates_query(world.admin, now(), q="martin"))
    assert reads_word_index(plan, "certificate", SEARCHED_COLUMNS), plan
