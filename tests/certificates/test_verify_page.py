"""The public verify page: valid, expired, revoked, replaced, unknown; throttled by address."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from certificates import routes
from certificates.codes import check_character
from certificates.corrections import reissue_certificate, revoke_certificate
from certificates.models import Certificate, VerifyLookup
from certificates.throttling import LOOKUPS_PER_MINUTE, count_lookup
from tests.conftest import shown
from training.auth import now


async def _page(client, certificate):
    return await client.get(f"/verify/{certificate.shown_code}")


async def test_a_valid_certificate_shows_holder_course_and_dates(client, certificate):
    response = await _page(client, certificate)
    text = shown(response)
    assert response.status_code == 200
    assert "Certificat valide" in text and "Agent L-A" in text and "Cours d'essai" in text
    assert certificate.issued_at.strftime("%d/%m/%Y") in text
    assert certificate.expires_at.strftime("%d/%m/%Y") in text
    assert "L-A" not in text.replace("Agent L-A", "")  # no registration number in public
    assert response.headers["cache-control"] == "no-store"
    assert "noindex" in response.headers["x-robots-tag"]


async def test_no_login_is_needed_and_codes_are_typed_loosely(client, certificate):
    typed = certificate.shown_code.lower().replace("0", "o").replace("-", " ")
    response = await client.get("/verify", params={"code": typed})
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/verify/{certificate.shown_code}")
    assert (await client.get(f"/verify/{certificate.code.lower()}")).status_code == 200


async def test_an_expired_certificate_says_so(client, certificate):
    await Certificate.filter(id=certificate.id).update(
        expires_at=certificate.issued_at - timedelta(days=1)
    )
    response = await _page(client, certificate)
    assert response.status_code == 200
    assert "Certificat expiré" in shown(response) and "A expiré le" in shown(response)


async def test_a_revoked_certificate_shows_the_date_and_reason(client, world, certificate):
    await revoke_certificate(certificate, actor=world.admin, reason="Fraude constatée")
    response = await _page(client, certificate)
    text = shown(response)
    assert "Certificat révoqué" in text and "Fraude constatée" in text
    await certificate.refresh_from_db()
    assert f"<dt>Révoqué le</dt><dd>{certificate.revoked_at.strftime('%d/%m/%Y')}</dd>" in text


async def test_a_replaced_certificate_sends_verifiers_nowhere_near_valid(
    client, world, certificate
):
    replacement = await reissue_certificate(certificate, actor=world.admin, reason="Nom corrigé")
    assert "Certificat remplacé" in shown(await _page(client, certificate))
    assert "Certificat valide" in shown(await _page(client, replacement))


async def test_unknown_and_mistyped_codes_get_the_same_page_as_a_not_found(client, certificate):
    body = "ZZZZZZZZZZZZ"
    unknown = await client.get(f"/verify/{body}{check_character(body)}")
    mistyped = await client.get(
        f"/verify/{certificate.code[:-1]}{'0' if certificate.code[-1] != '0' else '1'}"
    )
    for response in (unknown, mistyped):
        assert response.status_code == 404
        assert "Aucun certificat" in shown(response)
        assert 'id="verdict"' in response.text and 'name="code"' in response.text
    assert "ne porte le code" in shown(unknown)
    assert "n'est pas un code de certificat" in shown(mistyped)


async def test_lookups_are_throttled_per_address(client, make_client, certificate, monkeypatch):
    # Every lookup in one minute's window: the requests would otherwise straddle two now and then.
    moment = now().replace(second=30)
    monkeypatch.setattr(routes, "now", lambda: moment)
    for _ in range(LOOKUPS_PER_MINUTE):
        assert (await client.get("/verify/AAAA")).status_code == 404
    refused = await _page(client, certificate)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) <= 60
    assert "Trop de vérifications" in shown(refused)
    assert (await _page(make_client("198.51.100.9"), certificate)).status_code == 200


async def test_the_limit_is_a_setting(app, client, certificate, monkeypatch):
    moment = now().replace(second=30)  # the three lookups in one minute's window
    monkeypatch.setattr(routes, "now", lambda: moment)
    app.state.settings = replace(app.state.settings, verify_lookups_per_minute=2)
    assert (await _page(client, certificate)).status_code == 200
    assert (await _page(client, certificate)).status_code == 200
    assert (await _page(client, certificate)).status_code == 429


async def test_lookups_racing_to_open_a_minute_all_count_and_old_minutes_go(app):
    at = datetime(2030, 5, 6, 10, 20, 15, tzinfo=UTC)
    minute = at.replace(second=0)
    await VerifyLookup.create(address="203.0.113.5", window=minute - timedelta(hours=2), count=9)
    waits = await asyncio.gather(*(count_lookup("203.0.113.5", at, limit=3) for _ in range(5)))
    assert sorted(waits) == [0, 0, 0, 45, 45]
    assert await VerifyLookup.all().values_list("window", "count") == [(minute, 5)]


async def test_statuses_speak_the_readers_language(client, world, certificate):
    world.learner_a.language = "en"
    await world.learner_a.save()
    await client.login("l-a@example.org")
    mine = (await client.get("/certificates")).text
    assert ">Valid</span>" in mine and "Valide" not in mine
