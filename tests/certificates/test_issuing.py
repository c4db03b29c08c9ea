"""Issue on completion: a frozen record, once per enrolment, renewals linked, corrections kept."""

from datetime import UTC, datetime

import pytest

from certificates.corrections import reissue_certificate, revoke_certificate
from certificates.issuing import CertificateError, add_months, issue_certificate
from certificates.models import Certificate, CertificatePdf
from courses import events
from courses.models import Course, CourseVersion, Enrolment
from quizzes.models import AttemptState, QuizAttempt
from tests.certificates.conftest import certificate_of, complete
from tests.quizzes.conftest import make_version
from training.auth import now
from training.models import AuditEvent


async def test_completing_a_course_issues_a_certificate_with_its_pdf(world, version):
    enrolment = await complete(world.learner_a, version, score=87.5)
    certificate = await Certificate.get(enrolment_id=enrolment.id)
    await enrolment.refresh_from_db()
    assert certificate.holder_name == "Agent L-A"
    assert certificate.holder_registration_number == "L-A"
    assert (certificate.agency_code, certificate.agency_name_fr) == ("MIN1-A", "Agence MIN1-A")
    assert certificate.course_slug == "hygiene" and certificate.title() == "Cours d'essai"
    assert (certificate.version_label, certificate.version_number) == ("t1", 1)
    assert certificate.score == 87.5
    assert certificate.issued_at == enrolment.completed_at
    assert certificate.expires_at == add_months(enrolment.completed_at, 12)
    assert certificate.renews_id is None and certificate.issue_number == 1
    # The PDF waits for the first download: the learner's quiz submit renders nothing.
    assert not await CertificatePdf.filter(certificate_id=certificate.id).exists()
    assert await AuditEvent.filter(
        action="certificate.issued", target=certificate.shown_code
    ).exists()


async def test_the_best_passing_score_is_the_one_certified(world, version):
    enrolment = await complete(world.learner_a, version, score=85)
    await QuizAttempt.create(
        staff=world.learner_a,
        enrolment=enrolment,
        version=version,
        number=2,
        state=AttemptState.GRADED,
        started_at=now(),
        score=95,
        passed=True,
    )
    await Certificate.filter(enrolment_id=enrolment.id).delete()
    assert (await issue_certificate(enrolment.id)).score == 95


async def test_completing_twice_issues_once(world, version):
    enrolment = await complete(world.learner_a, version)
    await events.course_completed.announce(await Enrolment.get(id=enrolment.id))
    first = await issue_certificate(enrolment.id)
    assert await Certificate.filter(enrolment_id=enrolment.id).count() == 1
    assert first.id == (await Certificate.get(enrolment_id=enrolment.id)).id


async def test_a_concurrent_issue_returns_the_one_already_written(world, version, monkeypatch):
    enrolment = await complete(world.learner_a, version)
    winner = await Certificate.get(enrolment_id=enrolment.id)

    # The look-before-insert misses the other call's row: the unique (enrolment, 1) catches it.
    async def missed(**_):
        return None

    monkeypatch.setattr(Certificate, "get_or_none", missed)
    assert (await issue_certificate(enrolment.id)).id == winner.id
    assert await Certificate.filter(enrolment_id=enrolment.id).count() == 1


async def test_later_edits_to_the_person_agency_or_course_never_change_it(
    world, version, certificate
):
    frozen = dict(await Certificate.filter(id=certificate.id).first().values())
    world.learner_a.full_name = "Nouveau Nom"
    world.learner_a.agency = world.min2
    await world.learner_a.save()
    world.dir_a.name_fr = "Direction renommée"
    await world.dir_a.save()
    await CourseVersion.filter(id=version.id).update(title={"fr": "Autre titre"})
    assert dict(await Certificate.filter(id=certificate.id).first().values()) == frozen


async def test_passing_a_newer_version_renews_the_previous_certificate(world, version):
    first = await certificate_of(world.learner_a, version)
    course = await Course.get(id=version.course_id)
    newer = await CourseVersion.create(
        **{
            name: getattr(version, name)
            for name in (
                "content_hash",
                "languages",
                "title",
                "summary",
                "audience",
                "estimated_minutes",
                "prerequisites",
                "pass_mark",
                "certificate_validity_months",
                "topics",
                "quiz_rules",
                "question_bank",
                "guide",
            )
        },
        course=course,
        number=2,
        label="t2",
        loaded_at=now(),
    )
    second = await certificate_of(world.learner_a, newer)
    assert second.renews_id == first.id and second.version_label == "t2"
    assert second.code != first.code
    third_version = await make_version("another-course")
    unrelated = await certificate_of(world.learner_a, third_version)
    assert unrelated.renews_id is None


async def test_a_reissue_supersedes_and_keeps_the_history(world, certificate):
    world.learner_a.full_name = "Agent L-A Corrigé"
    await world.learner_a.save()
    replacement = await reissue_certificate(
        certificate, actor=world.hr_dir_a, reason="Nom mal orthographié"
    )
    await certificate.refresh_from_db()
    assert certificate.superseded_at is not None and certificate.holder_name == "Agent L-A"
    assert replacement.replaces_id == certificate.id and replacement.issue_number == 2
    assert replacement.holder_name == "Agent L-A Corrigé"
    assert (replacement.issued_at, replacement.expires_at, replacement.score) == (
        certificate.issued_at,
        certificate.expires_at,
        certificate.score,
    )
    assert replacement.code != certificate.code
    assert await CertificatePdf.filter(certificate_id=replacement.id).exists()
    event = await AuditEvent.get(action="certificate.reissued")
    assert event.actor_id == world.hr_dir_a.id and "Nom mal orthographié" in event.detail
    with pytest.raises(CertificateError, match="déjà été révoqué ou remplacé"):
        await reissue_certificate(certificate, actor=world.admin, reason="encore")


async def test_revocation_needs_a_reason_and_happens_once(world, certificate):
    with pytest.raises(CertificateError, match="motif"):
        await revoke_certificate(certificate, actor=world.admin, reason="   ")
    await revoke_certificate(certificate, actor=world.admin, reason="Fraude au quiz")
    await certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "Fraude au quiz"
    assert certificate.revoked_by_id == world.admin.id
    assert await AuditEvent.filter(action="certificate.revoked", detail="Fraude au quiz").exists()
    with pytest.raises(CertificateError):
        await revoke_certificate(certificate, actor=world.admin, reason="deux fois")
    with pytest.raises(CertificateError):
        await reissue_certificate(certificate, actor=world.admin, reason="après révocation")


def test_validity_months_end_on_the_same_day_or_the_month_end():
    assert add_months(datetime(2025, 1, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 3, 15, tzinfo=UTC), 12) == datetime(2025, 3, 15, tzinfo=UTC)
    assert add_months(datetime(2024, 11, 30, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)
