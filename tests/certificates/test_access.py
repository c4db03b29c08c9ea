"""Who reaches what: every role against own agency, sub-agency and another agency, per route."""

import pytest

from certificates.evidence import store_evidence
from certificates.models import AgencyCertification, ProfessionalCertification
from tests.certificates.conftest import issued
from tests.conftest import add_agency, add_staff
from tests.quizzes.conftest import make_version
from training.auth import now

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CERTIFICATE_PATHS = [
    ("GET", "/certificates/{id}"),
    ("GET", "/certificates/{id}/certificate.pdf"),
    ("GET", "/certificates/{id}/credential.jwt"),
    ("POST", "/certificates/{id}/revoke"),
    ("POST", "/certificates/{id}/reissue"),
]
REGISTER_PATHS = [
    ("GET", "/registers/{register}/{id}"),
    ("GET", "/registers/{register}/{id}/evidence"),
    ("POST", "/registers/{register}/{id}/review"),
]
# Explicit, not derived from the code: whose records each actor may change.
MANAGES = {
    "learner_a": set(),
    "reporter": set(),
    "hr_dir_a": {"MIN1-A", "MIN1-A-S"},
    "admin": {"MIN1-A", "MIN1-A-S", "MIN2"},
}
# For the HR officer of MIN1-A: own agency, a sub-agency, another ministry.
TARGETS = ["MIN1-A", "MIN1-A-S", "MIN2"]


async def _target(world, kind: str, agency_code: str) -> int:
    sub = await add_agency("MIN1-A-S", parent="MIN1-A")
    agency = {"MIN1-A": world.dir_a, "MIN1-A-S": sub, "MIN2": world.min2}[agency_code]
    person = await add_staff("TARGET", agency)
    if kind == "certificate":
        return (await issued(person, await make_version("access"))).id
    evidence = await store_evidence("preuve.png", PNG, None)
    if kind == "professional":
        record = await ProfessionalCertification.create(
            staff=person,
            scheme="cissp",
            issuer="ISC2",
            credential_id="C-1",
            obtained_on=now().date(),
            evidence=evidence,
            declared_at=now(),
        )
    else:
        record = await AgencyCertification.create(
            agency=agency,
            standard="iso27001",
            certifying_body="AFNOR",
            certificate_number="N-1",
            issued_on=now().date(),
            evidence=evidence,
            declared_at=now(),
        )
    return record.id


def _expected(actor: str, target: str, method: str) -> set[int]:
    if target in MANAGES[actor]:
        return {200, 303}
    if method == "GET" and actor in ("reporter", "admin"):
        return {200}  # reporters read everything, change nothing
    if method == "POST" and actor in ("learner_a", "reporter"):
        return {403}
    return {404}  # out of scope: not even its existence shows


async def _call(client, method: str, path: str):
    if method == "GET":
        return await client.get(path)
    return await client.submit(path, {"reason": "contrôle", "decision": "verified"})


@pytest.mark.parametrize("actor", MANAGES)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    ("kind", "method", "path"),
    [("certificate", method, path) for method, path in CERTIFICATE_PATHS]
    + [
        (register, method, path.replace("{register}", url))
        for register, url in (("professional", "professional"), ("agency", "agencies"))
        for method, path in REGISTER_PATHS
    ],
)
async def test_record_routes_by_role_and_agency(client, world, actor, target, kind, method, path):
    record_id = await _target(world, kind, target)
    await client.login(getattr(world, actor).email)
    response = await _call(client, method, path.format(id=record_id))
    assert response.status_code in _expected(actor, target, method)


PAGES = [
    "/certificates/manage",
    "/registers/professional",
    "/registers/professional/new",
    "/registers/professional/import",
    "/registers/professional/export",
    "/registers/agencies",
    "/registers/agencies/new",
    "/registers/agencies/import",
    "/registers/agencies/export",
]
READ_ONLY = {p for p in PAGES if not p.endswith(("/new", "/import"))}
ALLOWED = {
    "learner_a": {"/registers/professional/new"},
    "reporter": READ_ONLY,
    "hr_min1": set(PAGES),
    "admin": set(PAGES),
}


@pytest.mark.parametrize("actor", ALLOWED)
@pytest.mark.parametrize("page", PAGES)
async def test_pages_by_role(client, world, actor, page):
    await client.login(getattr(world, actor).email)
    response = await client.get(page)
    assert response.status_code == (200 if page in ALLOWED[actor] else 403)


@pytest.mark.parametrize("page", [*PAGES, "/certificates", "/certificates/1"])
async def test_anonymous_is_sent_to_login(client, world, page):
    response = await client.get(page)
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login?next=")


@pytest.mark.parametrize("page", ["/verify", "/.well-known/jwks.json"])
async def test_verification_is_public(client, page):
    assert (await client.get(page)).status_code == 200
