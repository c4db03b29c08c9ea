"""CSRF, login throttling, security headers and the secret key."""

import os
import stat

from server import Settings
from training.auth import now
from training.models import AuditEvent, LoginThrottle


async def test_state_changing_request_without_csrf_token_is_403(client, world):
    await client.login("hr1@example.org")
    response = await client.post(f"/staff/{world.learner_a.id}/deactivate")
    assert response.status_code == 403
    await world.learner_a.refresh_from_db()
    assert world.learner_a.is_active


async def test_wrong_csrf_token_is_403(client, world):
    await client.ensure_csrf()
    response = await client.post(
        "/login", data={"identifier": "l-a@example.org", "password": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert not await AuditEvent.filter(action__startswith="login").exists()


async def test_token_from_another_browser_is_403(client, make_client, world):
    other = make_client()
    stolen = await other.ensure_csrf()
    await client.ensure_csrf()
    response = await client.post(
        "/login", data={"identifier": "l-a@example.org", "password": "x", "csrf_token": stolen}
    )
    assert response.status_code == 403


async def test_multipart_form_checks_csrf_too(client, world):
    await client.login("hr1@example.org")
    files = {"file": ("staff.csv", b"registration_number\n", "text/csv")}
    refused = await client.post("/staff/import", files=files, data={"csrf_token": "bad"})
    assert refused.status_code == 403
    accepted = await client.submit("/staff/import", files=files)
    assert accepted.status_code == 400  # past CSRF: the file itself is wrong


async def test_failed_logins_are_throttled_per_account(client, make_client, world):
    for _ in range(5):
        assert (await client.login("l-a@example.org", "wrong password")).status_code == 400
    # Even the right password is refused while the account is blocked, from any address.
    elsewhere = make_client("198.51.100.20")
    blocked = await elsewhere.login("l-a@example.org")
    assert blocked.status_code == 400
    assert "Trop de tentatives" in blocked.text
    # An unknown account is throttled the same way: the message does not reveal existence.
    for _ in range(5):
        await client.login("ghost@example.org", "wrong password")
    ghost = await make_client("198.51.100.21").login("ghost@example.org", "whatever")
    assert "Trop de tentatives" in ghost.text


async def test_throttle_delay_grows_and_expires(client, make_client, world):
    for _ in range(6):
        await client.login("l-a@example.org", "wrong password")
    row = await LoginThrottle.get(key="account:l-a@example.org")
    assert row.failures == 5  # the sixth try was refused before counting
    assert 25 <= (row.blocked_until - now()).total_seconds() <= 31
    await LoginThrottle.all().update(blocked_until=now())
    await client.login("l-a@example.org", "still wrong")
    row = await LoginThrottle.get(key="account:l-a@example.org")
    assert 55 <= (row.blocked_until - now()).total_seconds() <= 61
    await LoginThrottle.all().update(blocked_until=now())
    assert (await make_client("198.51.100.30").login("l-a@example.org")).status_code == 303


async def test_failed_logins_are_throttled_per_address(client, world):
    for number in range(20):
        await client.login(f"nobody{number}@example.org", "wrong")
    response = await client.login("l-b@example.org")
    assert response.status_code == 400 and "Trop de tentatives" in response.text


async def test_security_headers(client):
    response = await client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_user_text_is_escaped(client, world):
    world.learner_a.full_name = "<script>alert(1)</script>"
    await world.learner_a.save()
    await client.login("hr1@example.org")
    page = await client.get(f"/staff/{world.learner_a.id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_secret_key_generated_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("AMANE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AMANE_SECRET_KEY", raising=False)
    first = Settings.from_environment().secret_key
    assert len(first) >= 40
    assert Settings.from_environment().secret_key == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    monkeypatch.setenv("AMANE_SECRET_KEY", "from-the-environment")
    assert Settings.from_environment().secret_key == "from-the-environment"
