"""Declared -> verified or rejected, by someone in scope other than the declarer, audited."""

import pytest

from certificates.models import AgencyCertification, ProfessionalCertification, ReviewStatus
from tests.certificates.conftest import translated
from tests.conftest import shown
from training.models import AuditEvent, Staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECLARATION = {
    "scheme": "cism",
    "credential_id": "CISM-42",
    "obtained_on": "2023-09-15",
}


async def _declared_by(client, person, **fields) -> ProfessionalCertification:
    await client.login(person.email)
    response = await client.submit("/registers/professional/new", {**DECLARATION, **fields})
    assert response.status_code == 303, shown(response)
    await client.submit("/logout")
    return await ProfessionalCertification.get(credential_id="CISM-42")


async def test_hr_verifies_a_learners_declaration(client, world):
    record = await _declared_by(client, world.learner_a)
    await client.login(world.hr_dir_a.email)
    listing = shown(await client.get("/registers/professional", params={"status": "declared"}))
    assert "Agent L-A" in listing and "CISM" in listing
    response = await client.submit(
        f"/registers/professional/{record.id}/review", {"decision": "verified", "note": ""}
    )
    assert response.status_code == 303
    await record.refresh_from_db()
    assert record.status == ReviewStatus.VERIFIED and record.reviewed_by_id == world.hr_dir_a.id
    assert record.reviewed_at is not None
    event = await AuditEvent.get(action="professional_certification.verified")
    assert event.actor_id == world.hr_dir_a.id
    page = shown(await client.get(f"/registers/professional/{record.id}"))
    assert "Vérifiée" in page and "par Agent HRA" in page


async def test_a_rejection_needs_a_reason(client, world):
    record = await _declared_by(client, world.learner_a)
    await client.login(world.hr_min1.email)
    url = f"/registers/professional/{record.id}/review"
    refused = await client.submit(url, {"decision": "rejected", "note": ""})
    assert refused.status_code == 400 and "Indiquez le motif du rejet" in shown(refused)
    done = await client.submit(url, {"decision": "rejected", "note": "Justificatif illisible"})
    assert done.status_code == 303
    await record.refresh_from_db()
    assert record.status == ReviewStatus.REJECTED and record.review_note == "Justificatif illisible"


@pytest.mark.parametrize("language", ["ar", "en"])
async def test_a_refused_review_is_explained_in_the_readers_language(client, world, language):
    record = await _declared_by(client, world.learner_a)
    await Staff.filter(id=world.hr_min1.id).update(language=language)
    await client.login(world.hr_min1.email)
    url = f"/registers/professional/{record.id}/review"
    for form, column, message in (
        ({"decision": "rejected", "note": ""}, "note", "indiquez le motif du rejet"),
        ({"decision": "maybe"}, "decision", "choisissez « vérifiée » ou « rejetée »"),
    ):
        refused = await client.submit(url, form)
        assert refused.status_code == 400
        explained = translated(language, message)
        sentence = explained[0].upper() + explained[1:]
        assert sentence in shown(refused) and f'<a href="#{column}">' in refused.text
        assert message not in shown(refused) and f"{column} :" not in shown(refused)
    assert (await ProfessionalCertification.get(id=record.id)).status == ReviewStatus.DECLARED


async def test_nobody_verifies_what_they_declared(client, world):
    record = await _declared_by(client, world.hr_min1, registration_number="L-B")
    await client.login(world.hr_min1.email)
    page = shown(await client.get(f"/registers/professional/{record.id}"))
    assert "une autre personne habilitée doit la vérifier" in page
    response = await client.submit(
        f"/registers/professional/{record.id}/review", {"decision": "verified"}
    )
    assert response.status_code == 400 and "vérifiée par une autre personne" in shown(response)
    await client.submit("/logout")
    await client.login(world.admin.email)
    await client.submit(f"/registers/professional/{record.id}/review", {"decision": "verified"})
    assert (await ProfessionalCertification.get(id=record.id)).status == ReviewStatus.VERIFIED


async def test_hr_outside_the_scope_cannot_see_or_review(client, world):
    record = await _declared_by(client, world.learner_a)
    await client.login(world.hr_min2.email)
    assert (await client.get(f"/registers/professional/{record.id}")).status_code == 404
    response = await client.submit(
        f"/registers/professional/{record.id}/review", {"decision": "verified"}
    )
    assert response.status_code == 404
    assert (await ProfessionalCertification.get(id=record.id)).status == ReviewStatus.DECLARED


async def test_an_agency_certification_is_declared_with_evidence_and_verified(client, world):
    await client.login(world.hr_dir_a.email)
    fields = {
        "agency_code": "MIN1-A",
        "standard": "iso27001",
        "certifying_body": "Bureau Veritas",
        "scope": "Systèmes d'information de la direction",
        "certificate_number": "ISMS-2024-17",
        "issued_on": "2024-03-01",
        "expires_on": "2027-02-28",
    }
    outside = await client.submit("/registers/agencies/new", {**fields, "agency_code": "MIN1-B"})
    assert outside.status_code == 400
    assert "L'administration MIN1-B n'est pas dans votre périmètre" in shown(outside)
    response = await client.submit(
        "/registers/agencies/new", fields, files={"evidence": ("certificat.pdf", PDF, "x/y")}
    )
    assert response.status_code == 303
    record = await AgencyCertification.get(certificate_number="ISMS-2024-17")
    evidence = await client.get(f"/registers/agencies/{record.id}/evidence")
    assert evidence.headers["content-type"] == "application/pdf" and evidence.content == PDF
    await client.submit("/logout")
    await client.login(world.admin.email)
    await client.submit(f"/registers/agencies/{record.id}/review", {"decision": "verified"})
    await record.refresh_from_db()
    assert record.status == ReviewStatus.VERIFIED and record.reviewed_by_id == world.admin.id
    listing = shown(await client.get("/registers/agencies", params={"status": "verified"}))
    assert "ISMS-2024-17" in listing and "ISO/IEC 27001" in listing
