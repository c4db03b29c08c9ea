"""What proves it: issued certificates and their PDFs, and the registers of certifications."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from certificates.codes import display_code


class Certificate(Model):
    """A frozen record of a completed course: later edits to the person or course never reach it."""

    id = fields.IntField(primary_key=True)
    # Crockford base32 without dashes: 12 random characters and a check character.
    code = fields.CharField(max_length=16, unique=True)
    enrolment: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.Enrolment", related_name="certificates", on_delete=fields.RESTRICT
    )
    # 1 for the certificate issued on completion, 2, 3… for corrections: (enrolment, 1) is
    # unique, so completing a course twice issues one certificate.
    issue_number = fields.IntField(default=1)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="certificates", on_delete=fields.RESTRICT
    )
    course: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.Course", related_name="certificates", on_delete=fields.RESTRICT
    )
    holder_name = fields.CharField(max_length=255)
    holder_registration_number = fields.CharField(max_length=32)
    agency_code = fields.CharField(max_length=32)
    agency_name_fr = fields.CharField(max_length=255)
    agency_name_ar = fields.CharField(max_length=255, default="")
    course_slug = fields.CharField(max_length=64)
    course_title = fields.JSONField()
    version_label = fields.CharField(max_length=32)
    version_number = fields.IntField()
    score = fields.FloatField(null=True)  # the best passing attempt's, when there is one
    issued_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The certificate this one renews (an earlier version of the same course passed before).
    renews: fields.ForeignKeyNullableRelation["Certificate"] = fields.ForeignKeyField(
        "certificates.Certificate", related_name="renewals", null=True, on_delete=fields.RESTRICT
    )
    # The certificate this one corrects, which is then superseded.
    replaces: fields.ForeignKeyNullableRelation["Certificate"] = fields.ForeignKeyField(
        "certificates.Certificate",
        related_name="replacements",
        null=True,
        on_delete=fields.RESTRICT,
    )
    reissue_reason = fields.TextField(default="")
    superseded_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.TextField(default="")
    revoked_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "certificate"
        unique_together = (("enrolment", "issue_number"),)
        # With the revocation and correction dates, the valid certificates are counted from
        # the index alone (1.3 s for a million without them); by person, whether someone holds
        # one is read from the first index alone (the national list of certified people took
        # 1.7 s reading each person's certificates).
        indexes = (
            ("staff_id", "course_id", "expires_at", "issued_at", "revoked_at", "superseded_at"),
            ("issued_at",),
            ("course_id",),
            ("expires_at", "revoked_at", "superseded_at"),
        )
        ordering = ["-issued_at", "-id"]

    @property
    def shown_code(self) -> str:
        return display_code(self.code)

    def agency_name(self, language: str = "fr") -> str:
        """The holder's agency as named at issue time; French where no Arabic name was kept."""
        return (self.agency_name_ar if language == "ar" else "") or self.agency_name_fr

    def title(self, language: str = "fr") -> str:
        """The course title as frozen at issue time, in French when the language is missing."""
        titles = self.course_title
        return titles.get(language) or titles.get("fr") or next(iter(titles.values()), "")


class CertificatePdf(Model):
    """The PDF rendered once, at the first download, so every download is the same file."""

    id = fields.IntField(primary_key=True)
    certificate: fields.OneToOneRelation[Certificate] = fields.OneToOneField(
        "certificates.Certificate", related_name="pdf", on_delete=fields.CASCADE
    )
    data = fields.BinaryField()
    sha256 = fields.CharField(max_length=64)
    rendered_at = fields.DatetimeField()

    class Meta:
        table = "certificate_pdf"


class VerifyLookup(Model):
    """Public verification lookups per client address and minute, to stop code enumeration."""

    id = fields.IntField(primary_key=True)
    address = fields.CharField(max_length=64)
    window = fields.DatetimeField(db_index=True)
    count = fields.IntField(default=0)

    class Meta:
        table = "verify_lookup"
        unique_together = (("address", "window"),)


class ReviewStatus(StrEnum):
    DECLARED = "declared"
    VERIFIED = "verified"
    REJECTED = "rejected"


class EvidenceFile(Model):
    """A PDF or image proving a certification, kept in the database, never under static/."""

    id = fields.IntField(primary_key=True)
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    data = fields.BinaryField()
    uploaded_at = fields.DatetimeField()
    uploaded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "evidence_file"


class ProfessionalCertification(Model):
    """An internationally recognised certification held by a staff member (GCI 4.3)."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="professional_certifications", on_delete=fields.RESTRICT
    )
    scheme = fields.CharField(max_length=32, db_index=True)
    other_name = fields.CharField(max_length=128, default="")
    issuer = fields.CharField(max_length=128)
    credential_id = fields.CharField(max_length=128)
    obtained_on = fields.DateField()
    expires_on = fields.DateField(null=True)
    evidence: fields.ForeignKeyNullableRelation[EvidenceFile] = fields.ForeignKeyField(
        "certificates.EvidenceFile", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.DECLARED)
    declared_at = fields.DatetimeField()
    declared_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    review_note = fields.TextField(default="")

    class Meta:
        table = "professional_certification"
        unique_together = (("staff", "scheme", "other_name", "credential_id"),)
        ordering = ["-obtained_on", "-id"]


class AgencyCertification(Model):
    """A whole agency certified under an international standard (GCI 4.4)."""

    id = fields.IntField(primary_key=True)
    agency: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Agency", related_name="certifications", on_delete=fields.RESTRICT
    )
    standard = fields.CharField(max_length=32, db_index=True)
    other_name = fields.CharField(max_length=128, default="")
    certifying_body = fields.CharField(max_length=128)
    scope = fields.TextField(default="")
    certificate_number = fields.CharField(max_length=128)
    issued_on = fields.DateField()
    expires_on = fields.DateField(null=True)
    evidence: fields.ForeignKeyNullableRelation[EvidenceFile] = fields.ForeignKeyField(
        "certificates.EvidenceFile", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(ReviewStatus, max_length=16, default=ReviewStatus.DECLARED)
    declared_at = fields.DatetimeField()
    declared_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    review_note = fields.TextField(default="")

    class Meta:
        table = "agency_certification"
        unique_together = (("agency", "standard", "other_name", "certificate_number"),)
        ordering = ["-issued_on", "-id"]
