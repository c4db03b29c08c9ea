"""A learner's certificates: listed with their expiry, downloaded, and their own declarations."""

from certificates.models import Certificate, ProfessionalCertification, ReviewStatus
from tests.certificates.conftest import translated
from tests.conftest import shown
from training.models import Staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_my_certificates_lists_expiry_and_downloads(client, world, certificate):
    await client.login(world.learner_a.email)
    page = await client.get("/certificates")
    text = shown(page)
    assert page.status_code == 200
    assert certificate.shown_code in text and "Cours d'essai" in text
    assert certificate.expires_at.strftime("%d/%m/%Y") in text and "Valide" in text
    assert f"/certificates/{certificate.id}/certificate.pdf" in text
    assert f"/certificates/{certificate.id}/credential.jwt" in text
    detail = await client.get(f"/certificates/{certificate.id}")
    assert f"/verify/{certificate.shown_code}" in detail.text
    assert "Révoquer" not in shown(detail)


async def test_another_learner_sees_neither_the_list_entry_nor_the_files(
    client, world, certificate
):
    await client.login(world.learner_b.email)
    assert certificate.shown_code not in (await client.get("/certificates")).text
    for path in ("", "/certificate.pdf", "/credential.jwt"):
        assert (await client.get(f"/certificates/{certificate.id}{path}")).status_code == 404


async def test_a_learner_declares_their_own_certification_with_evidence(client, world):
    await client.login(world.learner_a.email)
    response = await client.submit(
        "/registers/professional/new",
        {
            "registration_number": "L-B",  # ignored: a learner declares for themselves
            "scheme": "cissp",
            "credential_id": "CISSP-123456",
            "obtained_on": "2024-05-02",
            "expires_on": "2027-05-01",
        },
        files={"evidence": ("attestation.png", PNG, "image/png")},
    )
    assert response.status_code == 303
    record = await ProfessionalCertification.get(credential_id="CISSP-123456").prefetch_related(
        "evidence"
    )
    assert record.staff_id == world.learner_a.id and record.issuer == "ISC2"
    assert record.status == ReviewStatus.DECLARED and record.declared_by_id == world.learner_a.id
    assert record.evidence.content_type == "image/png"
    evidence = await client.get(f"/registers/professional/{record.id}/evidence")
    assert evidence.content == PNG and evidence.headers["content-type"] == "image/png"
    assert "attachment" in evidence.headers["content-disposition"]
    assert "sandbox" in evidence.headers["content-security-policy"]
    mine = shown(await client.get("/certificates"))
    assert "CISSP" in mine and "Déclarée" in mine
    page = shown(await client.get(f"/registers/professional/{record.id}"))
    assert "Enregistrer la décision" not in page


async def test_a_disguised_evidence_file_is_refused(client, world):
    await client.login(world.learner_a.email)
    fields = {
        "scheme": "other",
        "other_name": "Certification maison",
        "issuer": "Institut X",
        "credential_id": "X-1",
        "obtained_on": "2024-05-02",
    }
    for name, data in (
        ("attestation.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"MZ\x90\x00 an executable"),
    ):
        response = await client.submit(
            "/registers/professional/new", fields, files={"evidence": (name, data, "image/jpeg")}
        )
        assert response.status_code == 400
        assert f"Le contenu de {name} n'est ni un PDF, ni une image PNG ou JPEG" in shown(response)
    too_big = PNG + b"\x00" * (5 * 1024 * 1024)
    response = await client.submit(
        "/registers/professional/new", fields, files={"evidence": ("big.png", too_big, "image/png")}
    )
    assert response.status_code == 400 and "dépasse 5 Mo" in shown(response)
    assert not await ProfessionalCertification.exists()


async def test_a_refused_evidence_file_is_explained_in_arabic(client, world):
    await Staff.filter(id=world.learner_a.id).update(language="ar")
    await client.login(world.learner_a.email)
    fields = {"scheme": "cissp", "credential_id": "C-1", "obtained_on": "2024-05-02"}
    response = await client.submit(
        "/registers/professional/new", fields, files={"evidence": ("vide.pdf", b"", "x/y")}
    )
    assert response.status_code == 400
    empty = translated("ar", "le fichier %(name)s est vide", name="vide.pdf")
    assert empty in shown(response) and "est vide" not in shown(response)
    assert f'<a href="#evidence">{empty}</a>' in response.text
    assert not await ProfessionalCertification.exists()


async def test_an_arabic_reader_sees_the_course_and_agency_names_in_arabic(
    client, world, certificate
):
    await Certificate.filter(id=certificate.id).update(
        course_title={"fr": "Cours d'essai", "ar": "دورة تجريبية"}, agency_name_ar="مديرية أ"
    )
    await client.login(world.learner_a.email)
    await client.submit("/language", {"language": "ar"})
    assert "دورة تجريبية" in shown(await client.get("/certificates"))
    detail = shown(await client.get(f"/certificates/{certificate.id}"))
    assert "دورة تجريبية" in detail and "مديرية أ" in detail and "Cours d'essai" not in detail
    verify = shown(await client.get(f"/verify/{certificate.shown_code}"))
    assert "دورة تجريبية" in verify and "مديرية أ" in verify
