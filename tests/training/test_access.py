"""Who reaches what: every role against own agency, sub-agency and other agencies."""

import pytest

from tests.conftest import add_agency, add_staff, shown

STAFF_PATHS = [
    ("GET", "/staff/{id}"),
    ("GET", "/staff/{id}/edit"),
    ("POST", "/staff/{id}/deactivate"),
    ("POST", "/staff/{id}/reactivate"),
    ("POST", "/staff/{id}/reset-password"),
]

# For each actor, the agencies whose staff they may manage (explicit, not derived from the code).
MANAGES = {
    "learner_a": set(),
    "reporter": set(),
    "hr_min1": {"MIN1", "MIN1-A", "MIN1-A-S", "MIN1-B"},
    "hr_dir_a": {"MIN1-A", "MIN1-A-S"},
    "hr_min2": {"MIN2"},
    "admin": {"MIN1", "MIN1-A", "MIN1-A-S", "MIN1-B", "MIN2"},
}
TARGETS = ["MIN1", "MIN1-A", "MIN1-A-S", "MIN1-B", "MIN2"]


async def _call(client, method, path):
    if method == "GET":
        return await client.get(path)
    return await client.submit(path)


@pytest.mark.parametrize("actor", MANAGES)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("method", "path"), STAFF_PATHS)
async def test_staff_routes_by_role_and_agency(client, world, actor, target, method, path):
    sub = await add_agency("MIN1-A-S", parent="MIN1-A")
    agencies = {
        "MIN1": world.min1,
        "MIN1-A": world.dir_a,
        "MIN1-A-S": sub,
        "MIN1-B": world.dir_b,
        "MIN2": world.min2,
    }
    person = await add_staff("TARGET", agencies[target])
    await client.login(getattr(world, actor).email)
    response = await _call(client, method, path.format(id=person.id))
    if target in MANAGES[actor]:
        assert response.status_code in (200, 303)
    elif actor in ("learner_a", "reporter"):
        assert response.status_code == 403
    else:
        assert response.status_code == 404  # out of scope: not even its existence shows


PAGES = [
    "/staff",
    "/staff/export",
    "/staff/new",
    "/staff/import",
    "/agencies",
    "/agencies/new",
    "/agencies/import",
    "/agencies/{agency}/edit",
    "/audit",
]
ALLOWED = {
    "learner_a": set(),
    "reporter": {"/agencies"},
    "hr_min1": {"/staff", "/staff/export", "/staff/new", "/staff/import", "/agencies"},
    "hr_min2": {"/staff", "/staff/export", "/staff/new", "/staff/import", "/agencies"},
    "admin": set(PAGES),
}


@pytest.mark.parametrize("actor", ALLOWED)
@pytest.mark.parametrize("page", PAGES)
async def test_pages_by_role(client, world, actor, page):
    await client.login(getattr(world, actor).email)
    response = await client.get(page.format(agency=world.dir_a.id))
    assert response.status_code == (200 if page in ALLOWED[actor] else 403)


@pytest.mark.parametrize("page", PAGES + ["/account", "/staff/1"])
async def test_anonymous_is_sent_to_login(client, world, page):
    response = await client.get(page.format(agency=world.dir_a.id))
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login?next=")


async def test_hr_lists_only_their_scope(client, world):
    await client.login("hra@example.org")
    page = await client.get("/staff?q=agent")
    assert "Agent L-A" in page.text
    assert (
        "Agent L-B" not in page.text
        and "Agent L-2" not in page.text
        and "Agent HR1" not in page.text
    )
    await client.submit("/logout")
    await client.login("hr1@example.org")
    agencies = await client.get("/agencies")
    assert "MIN1-A" in agencies.text and "MIN2" not in agencies.text


async def test_hr_cannot_create_staff_outside_scope(client, world):
    await client.login("hra@example.org")
    response = await client.submit(
        "/staff/new",
        {
            "registration_number": "X1",
            "full_name": "Hors Périmètre",
            "email": "x1@example.org",
            "agency_code": "MIN2",
            "job_title": "",
            "language": "fr",
            "role": "learner",
        },
    )
    assert response.status_code == 400
    assert "« MIN2 » ne désigne aucune administration de votre périmètre" in shown(response)


async def test_hr_cannot_grant_admin_or_reporter(client, world):
    await client.login("hr1@example.org")
    response = await client.submit(
        "/staff/new",
        {
            "registration_number": "X2",
            "full_name": "Promu",
            "email": "x2@example.org",
            "agency_code": "MIN1-A",
            "job_title": "",
            "language": "fr",
            "role": "admin",
        },
    )
    assert response.status_code == 400
    assert "n'est pas un rôle que vous pouvez attribuer" in shown(response)


@pytest.mark.parametrize("action", ["edit", "deactivate", "reset-password"])
async def test_hr_cannot_take_over_an_administrator_of_their_agency(client, world, action):
    await client.login("hr1@example.org")
    assert (await client.get(f"/staff/{world.admin.id}")).status_code == 200
    if action == "edit":
        response = await client.get(f"/staff/{world.admin.id}/edit")
    else:
        response = await client.submit(f"/staff/{world.admin.id}/{action}")
    assert response.status_code == 403
    await world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.password_hash


async def test_hr_import_cannot_rewrite_a_reporter(world):
    from training.importing import ImportRejected, import_staff, read_staff_file

    data = (
        b"registration_number,full_name,email,agency_code,job_title,language\n"
        b"REP1,Agent REP1,attacker@example.org,MIN1,,fr\n"
    )
    with pytest.raises(ImportRejected) as caught:
        await import_staff(read_staff_file("s.csv", data), actor=world.hr_min1)
    assert "que seuls les administrateurs peuvent modifier" in str(caught.value.problems[0])
