"""The signed credential: an Open Badges 3.0 VC-JWT that verifies, and fails when it should."""

import base64
import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import issuer
from certificates.corrections import revoke_certificate
from certificates.credentials import check_credential, sign_credential
from certificates.issuer import Issuer
from certificates.keys import KEY_FILE, load_or_create_signing_key
from tests.conftest import SECRET, shown
from training.auth import now

ROOT = Path(__file__).resolve().parents[2]


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _failed(check) -> dict[str, str]:
    return {item.name: item.detail for item in check.checks if not item.passed}


async def test_the_credential_is_an_open_badge_signed_with_eddsa(certificate):
    token = sign_credential(certificate, issuer.current())
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "kid": issuer.current().jwk["kid"]}
    claims = _payload(token)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert claims["iss"] == claims["issuer"]["id"] == "http://127.0.0.1:8000/"
    assert (
        claims["jti"] == claims["id"] == (f"http://127.0.0.1:8000/verify/{certificate.shown_code}")
    )
    assert claims["exp"] == int(certificate.expires_at.timestamp())
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Cours d'essai" and achievement["version"] == "t1"
    check = await check_credential(token, issuer.current(), now())
    assert check.valid, check.checks
    assert check.certificate.id == certificate.id


async def test_tampering_or_another_key_fails_the_signature(certificate):
    token = sign_credential(certificate, issuer.current())
    header, body, signature = token.split(".")
    claims = _payload(token) | {"exp": _payload(token)["exp"] + 10 * 365 * 86400}
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = await check_credential(
        f"{header}.{forged_body}.{signature}", issuer.current(), now()
    )
    assert "signature" in _failed(tampered) and len(tampered.checks) == 1

    stranger = Issuer(issuer.current().public_url, Ed25519PrivateKey.generate())
    foreign = await check_credential(
        sign_credential(certificate, stranger), issuer.current(), now()
    )
    assert "signature" in _failed(foreign)

    garbage = await check_credential("not.a.jwt", issuer.current(), now())
    assert not garbage.valid


async def test_another_issuer_expiry_and_revocation_are_reported(world, certificate):
    elsewhere = Issuer("https://other.example", issuer.current().signing_key)
    assert "émetteur" in _failed(
        await check_credential(sign_credential(certificate, elsewhere), issuer.current(), now())
    )
    token = sign_credential(certificate, issuer.current())
    later = certificate.expires_at + timedelta(days=1)
    assert _failed(await check_credential(token, issuer.current(), later)) == {
        "validité": f"expiré le {certificate.expires_at:%d/%m/%Y}"
    }
    await revoke_certificate(certificate, actor=world.admin, reason="Erreur de saisie")
    failed = _failed(await check_credential(token, issuer.current(), now()))
    assert "révoqué le" in failed["statut"] and "Erreur de saisie" in failed["statut"]


async def test_the_published_key_verifies_a_downloaded_credential(client, world, certificate):
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert [key["kty"] for key in jwks["keys"]] == ["OKP"] and "d" not in jwks["keys"][0]
    await client.login(world.learner_a.email)
    download = await client.get(f"/certificates/{certificate.id}/credential.jwt")
    assert download.headers["content-type"] == "application/vc+jwt"
    public_key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(download.text, public_key, algorithms=["EdDSA"])
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Agent L-A"


async def test_the_verify_page_checks_an_uploaded_credential(client, world, certificate):
    token = sign_credential(certificate, issuer.current())
    files = {"credential": ("certificat.jwt", token.encode(), "application/vc+jwt")}
    valid = await client.submit("/verify", files=files)
    assert valid.status_code == 200 and "Attestation numérique valide" in shown(valid)
    await revoke_certificate(certificate, actor=world.admin, reason="Retrait")
    revoked = await client.submit("/verify", files=files)
    assert revoked.status_code == 422 and "Retrait" in shown(revoked)
    empty = await client.submit("/verify", {"token": ""})
    assert empty.status_code == 400


def test_the_signing_key_is_created_once_for_its_owner_only(tmp_path):
    first = load_or_create_signing_key(tmp_path)
    mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)
    assert mode == 0o600
    again = load_or_create_signing_key(tmp_path)
    assert first.public_key().public_bytes_raw() == again.public_key().public_bytes_raw()


@pytest.mark.parametrize("revoked", [False, True])
async def test_amane_certificates_verify_checks_a_file(
    tmp_path, settings, world, certificate, revoked
):
    if revoked:
        await revoke_certificate(certificate, actor=world.admin, reason="Fraude")
    credential = tmp_path / "certificat.jwt"
    credential.write_text(sign_credential(certificate, issuer.current()))
    env = {
        **os.environ,
        "AMANE_DATA_DIR": str(settings.data_dir),
        "AMANE_DATABASE_URL": settings.database_url,
        "AMANE_SECRET_KEY": SECRET,
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import server; server.main()",
            "certificates",
            "verify",
            str(credential),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "ok   signature" in result.stdout
    if revoked:
        assert result.returncode == 1 and "BAD  statut: révoqué le" in result.stdout
        assert "does not verify" in result.stderr
    else:
        assert result.returncode == 0 and "valid credential" in result.stdout
