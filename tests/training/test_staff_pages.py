"""HR officers manage their staff: list, search, page, create, edit, deactivate, reset."""

import re

from tests.conftest import add_agency, add_staff, shown
from training.models import AuditEvent, Staff

NEW = {
    "registration_number": "n-300",
    "full_name": "  Zineb   Amrani ",
    "email": "Zineb.Amrani@Example.org",
    "agency_code": "MIN1-B",
    "job_title": "Chargée d'études",
    "language": "ar",
    "role": "learner",
}


async def test_search_and_pages(client, world):
    for number in range(7):
        await add_staff(f"P-{number}", world.dir_b, full_name=f"Personne {number}")
    await client.login("hr1@example.org")
    first = shown(await client.get("/staff?q=personne"))
    assert "7 agents" in first and "Page 1 sur 2" in first
    assert "Personne 0" in first and "Personne 6" not in first
    second = shown(await client.get("/staff?q=personne&page=2"))
    assert "Personne 6" in second and "Personne 0" not in second
    beyond = await client.get("/staff?q=personne&page=9")
    assert "Cette page est au-delà de la dernière." in shown(beyond)
    assert "Aucun agent ne correspond." not in shown(beyond)
    assert 'href="/staff?q=personne&amp;page=2"' in beyond.text
    nobody = shown(await client.get("/staff?q=personne-inconnue"))
    assert "Aucun agent ne correspond." in nobody and "au-delà" not in nobody
    by_number = shown(await client.get("/staff?q=P-3"))
    assert "1 agent" in by_number and "Personne 3" in by_number


async def test_the_list_narrows_to_an_agency_and_its_sub_agencies(client, world):
    sub = await add_agency("MIN1-A-1", parent="MIN1-A")
    await add_staff("S-1", sub, full_name="Agent Zouhair")
    await client.login("hr1@example.org")
    page = shown(await client.get("/staff?agency=min1-a"))
    assert "3 agents" in page  # HRA and L-A in MIN1-A, S-1 below it
    assert "Agent Zouhair" in page and "Agent L-B" not in page
    assert '<option value="MIN1-A" selected>' in page
    below = shown(await client.get("/staff?agency=MIN1-A-1"))
    assert "1 agent" in below and "Agent Zouhair" in below and "Agent L-A" not in below
    # Another officer's agency, or an unknown code, finds no one.
    assert "Aucun agent ne correspond." in shown(await client.get("/staff?agency=MIN2"))
    assert "Aucun agent ne correspond." in shown(await client.get("/staff?agency=NOPE"))
    exported = (await client.get("/staff/export?format=csv&agency=MIN1-A")).text
    assert [line.split(",")[0] for line in exported.splitlines()[1:]] == ["HRA", "L-A", "S-1"]


async def test_create_gives_a_one_time_link_that_sets_the_password(
    client, make_client, world, settings
):
    await client.login("hr1@example.org")
    response = await client.submit("/staff/new", NEW)
    assert response.status_code == 200
    person = await Staff.get(registration_number="N-300")
    assert person.full_name == "Zineb Amrani" and person.email == "zineb.amrani@example.org"
    # The link as its email gives it: from the address the public reaches.
    found = re.search(rf"{re.escape(settings.public_url)}(/password/set/[\w-]+)", response.text)
    link = found.group(1)

    newcomer = make_client("198.51.100.40")
    assert "Bienvenue, Zineb Amrani" in shown(await newcomer.get(link))
    weak = await newcomer.submit(link, {"password": "short", "confirm": "short"})
    assert weak.status_code == 400
    done = await newcomer.submit(
        link, {"password": "une phrase de passe solide", "confirm": "une phrase de passe solide"}
    )
    assert done.status_code == 303
    assert (await newcomer.get(link)).status_code == 404  # used once only
    assert (await newcomer.login("N-300", "une phrase de passe solide")).status_code == 303


async def test_edit_and_role_change_are_audited(client, world):
    await client.login("hr1@example.org")
    response = await client.submit(
        f"/staff/{world.learner_b.id}/edit",
        {
            **NEW,
            "registration_number": "L-B",
            "email": "l-b@example.org",
            "role": "hr",
        },
    )
    assert response.status_code == 303
    person = await Staff.get(id=world.learner_b.id)
    assert person.full_name == "Zineb Amrani" and person.role == "hr"
    change = await AuditEvent.get(action="staff.role_changed")
    assert change.detail == "learner -> hr" and change.actor_id == world.hr_min1.id


async def test_edit_errors_name_each_field(client, world):
    await client.login("hr1@example.org")
    response = await client.submit(
        f"/staff/{world.learner_b.id}/edit",
        {
            **NEW,
            "registration_number": "L-A",
            "email": "pas une adresse",
        },
    )
    assert response.status_code == 400
    text = shown(response)
    # Each problem is a sentence linking to its field, never naming the field's identifier.
    assert "Le matricule L-A est déjà attribué" in text
    assert "« pas une adresse » n'est pas une adresse électronique valide" in text
    assert "registration_number :" not in text and "email :" not in text
    for field in ("registration_number", "email"):
        assert f'<a href="#{field}">' in response.text and f'id="{field}"' in response.text
    assert (await Staff.get(id=world.learner_b.id)).full_name == "Agent L-B"


async def test_deactivated_staff_are_kept_and_hidden_by_default(client, world):
    await client.login("hr1@example.org")
    await client.submit(f"/staff/{world.learner_b.id}/deactivate")
    person = await Staff.get(id=world.learner_b.id)
    assert not person.is_active and person.deactivated_at is not None
    assert "Agent L-B" not in shown(await client.get("/staff?q=L-B"))
    assert "Agent L-B" in shown(await client.get("/staff?q=L-B&inactive=1"))
    detail = shown(await client.get(f"/staff/{world.learner_b.id}"))
    assert "Compte désactivé" in detail and "son historique est conservé" in detail
    assert await AuditEvent.filter(action="staff.deactivated", target="L-B").exists()
    await client.submit(f"/staff/{world.learner_b.id}/reactivate")
    assert (await Staff.get(id=world.learner_b.id)).is_active


async def test_officer_cannot_deactivate_themselves(client, world):
    await client.login("hr1@example.org")
    response = await client.submit(f"/staff/{world.hr_min1.id}/deactivate")
    assert response.status_code == 400


async def test_reset_password_ends_sessions_and_gives_a_link(client, make_client, world, settings):
    learner = make_client("198.51.100.50")
    await learner.login("l-a@example.org")
    await client.login("hr1@example.org")
    response = await client.submit(f"/staff/{world.learner_a.id}/reset-password")
    assert response.status_code == 200
    assert f"{settings.public_url}/password/set/" in response.text
    assert (await learner.get("/account")).status_code == 303
    assert (await learner.login("l-a@example.org")).status_code == 400
    assert await AuditEvent.filter(action="staff.password_reset").exists()


async def test_audit_log_page(client, world):
    await client.login("nobody@example.org", "wrong")
    await client.login("adm1@example.org")
    page = shown(await client.get("/audit?action=login.failed"))
    assert "nobody@example.org" in page and "203.0.113.7" in page
    assert "login.succeeded" not in page
