"""Logging in and out, changing one's password, sessions that end when they must."""

from datetime import timedelta

from tests.conftest import PASSWORD, csrf_from
from training.auth import SESSION_COOKIE, now
from training.models import AuditEvent, Session, Staff


async def test_login_with_email_then_logout(client, world):
    page = await client.get("/login")
    assert page.status_code == 200 and csrf_from(page.text)
    response = await client.login("l-a@example.org")
    assert response.status_code == 303
    account = await client.get("/account")
    assert account.status_code == 200
    assert "Agent L-A" in account.text and "MIN1-A" in account.text

    await client.submit("/logout")
    after = await client.get("/account")
    assert after.status_code == 303 and "/login" in after.headers["location"]
    assert await Session.filter(staff_id=world.learner_a.id).count() == 0


async def test_login_with_registration_number(client, world):
    response = await client.login("L-A")
    assert response.status_code == 303
    assert (await client.get("/account")).status_code == 200


async def test_an_email_longer_than_a_registration_number_logs_in(client, world):
    long_email = "prenom.nom-compose.direction-budget@finances.example.org"
    await Staff.filter(id=world.learner_a.id).update(email=long_email)
    response = await client.login(long_email.upper())
    assert response.status_code == 303
    assert (await client.get("/account")).status_code == 200


async def test_an_identifier_too_long_for_any_account_is_simply_refused(client, world):
    response = await client.login("x" * 5000)
    assert response.status_code == 400
    assert "Identifiant ou mot de passe incorrect." in response.text


async def test_wrong_password_is_refused_without_saying_which_part(client, world):
    wrong = await client.login("l-a@example.org", "not the password")
    unknown = await client.login("nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert "Identifiant ou mot de passe incorrect." in wrong.text
    assert "Identifiant ou mot de passe incorrect." in unknown.text
    assert await AuditEvent.filter(action="login.failed").count() == 2


async def test_session_cookie_flags_and_rotation(client, world):
    await client.login("l-a@example.org")
    first = client.cookies[SESSION_COOKIE]
    response = await client.login("l-a@example.org")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert client.cookies[SESSION_COOKIE] != first
    assert await Session.filter(staff_id=world.learner_a.id).count() == 1


async def test_secure_cookie_over_https(app, world):
    import httpx

    from tests.conftest import Client

    transport = httpx.ASGITransport(app=app)
    async with Client(transport=transport, base_url="https://testserver") as secure:
        response = await secure.login("l-a@example.org")
    assert "Secure" in response.headers["set-cookie"]


async def test_open_redirect_is_refused(client, world):
    response = await client.submit(
        "/login",
        {
            "identifier": "l-a@example.org",
            "password": PASSWORD,
            "next": "//evil.example.com/",
        },
    )
    assert response.headers["location"] == "/"


async def test_expired_session_ends(client, world):
    await client.login("l-a@example.org")
    await Session.filter(staff_id=world.learner_a.id).update(
        expires_at=now() - timedelta(seconds=1)
    )
    assert (await client.get("/account")).status_code == 303
    assert not await Session.filter(staff_id=world.learner_a.id).exists()


async def test_idle_session_ends(client, world):
    await client.login("l-a@example.org")
    await Session.filter(staff_id=world.learner_a.id).update(
        last_seen_at=now() - timedelta(hours=3)
    )
    assert (await client.get("/account")).status_code == 303


async def test_deactivation_ends_the_session_at_once(client, make_client, world):
    await client.login("l-a@example.org")
    assert (await client.get("/account")).status_code == 200
    hr = make_client()
    await hr.login("hr1@example.org")
    assert (await hr.submit(f"/staff/{world.learner_a.id}/deactivate")).status_code == 303
    assert (await client.get("/account")).status_code == 303
    again = await client.login("l-a@example.org")
    assert again.status_code == 400


async def test_change_password(client, make_client, world):
    other_device = make_client()
    await other_device.login("l-a@example.org")
    await client.login("l-a@example.org")
    new = "a brand new passphrase here"
    short = await client.submit(
        "/account/password", {"current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert short.status_code == 400 and "12 caractères" in short.text
    wrong = await client.submit(
        "/account/password", {"current": "nope", "new": new, "confirm": new}
    )
    assert wrong.status_code == 400 and "actuel est incorrect" in wrong.text
    mismatch = await client.submit(
        "/account/password", {"current": PASSWORD, "new": new, "confirm": new + "x"}
    )
    assert mismatch.status_code == 400 and "pas identiques" in mismatch.text
    done = await client.submit(
        "/account/password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert done.status_code == 303
    assert "mot de passe a été changé" in (await client.get(done.headers["location"])).text
    # The other device is signed out; the old password no longer works, the new one does.
    assert (await other_device.get("/account")).status_code == 303
    await client.submit("/logout")
    assert (await client.login("l-a@example.org")).status_code == 400
    assert (await client.login("l-a@example.org", new)).status_code == 303


async def test_password_hashes_are_argon2(world):
    assert world.learner_a.password_hash.startswith("$argon2id$")


async def test_requests_in_other_tasks_than_the_lifespan_reach_the_database(client, world):
    """A server runs each request in its own task, with none of the lifespan's context."""
    import asyncio
    import contextvars

    task = asyncio.get_running_loop().create_task(
        client.login("l-a@example.org"), context=contextvars.Context()
    )
    assert (await task).status_code == 303
