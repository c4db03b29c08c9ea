"""The organisation being trained: agencies, staff, sessions and the audit trail."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AgencyKind(StrEnum):
    MINISTRY = "ministry"
    DIRECTORATE = "directorate"
    PUBLIC_ESTABLISHMENT = "public_establishment"
    LOCAL_AUTHORITY = "local_authority"


class Role(StrEnum):
    LEARNER = "learner"
    HR = "hr"
    REPORTER = "reporter"
    ADMIN = "admin"


# Who reads figures, registers and lists of people: HR officers (within their agencies),
# reporters and administrators.
READERS = (Role.HR, Role.REPORTER, Role.ADMIN)
# Who manages people, their courses and records: HR officers (within their agencies) and
# administrators.
MANAGERS = (Role.HR, Role.ADMIN)
LANGUAGES = ("fr", "ar", "en")


def path_ids(path: str) -> list[int]:
    """The ids an agency's materialised path holds, the top agency first, the agency last."""
    return [int(part) for part in path.strip("/").split("/") if part]


class Agency(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name_fr = fields.CharField(max_length=255)
    name_ar = fields.CharField(max_length=255, default="")
    name_en = fields.CharField(max_length=255, default="")
    kind = fields.CharEnumField(AgencyKind, max_length=32)
    parent: fields.ForeignKeyNullableRelation["Agency"] = fields.ForeignKeyField(
        "training.Agency", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    # Materialised path of ids ("/1/4/9/"): a subtree is one indexed prefix query.
    path = fields.CharField(max_length=512, default="/", db_index=True)
    declared_headcount = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agency"
        ordering = ["path"]

    def name(self, language: str = "fr") -> str:
        return getattr(self, f"name_{language}", "") or self.name_fr

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Staff(Model):
    id = fields.IntField(primary_key=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "training.Agency", related_name="staff", on_delete=fields.RESTRICT
    )
    registration_number = fields.CharField(max_length=32, unique=True)
    full_name = fields.CharField(max_length=255)
    email = fields.CharField(max_length=255, unique=True)
    job_title = fields.CharField(max_length=255, default="")
    role = fields.CharEnumField(Role, max_length=16, default=Role.LEARNER)
    language = fields.CharField(max_length=2, default="fr")
    is_active = fields.BooleanField(default=True)
    password_hash = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    deactivated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff"
        # An HR officer's records are read holder by holder, from the staff of their agencies,
        # and an agency's active staff counted from the index alone;
        # a long list of people is paged by walking them in name order (reports/drilldown.py).
        indexes = (("agency_id", "is_active"), ("full_name", "id"))

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.full_name


class Session(Model):
    """A login: the cookie holds a random token, the table only its hash."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "training.Staff", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    last_seen_at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "session"
        # A person's sessions are closed when they leave or change their password.
        indexes = (("staff_id",),)


class PasswordToken(Model):
    """A one-time link to set a password (new accounts, resets)."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "training.Staff", related_name="password_tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_token"
        indexes = (("staff_id",),)


class LoginThrottle(Model):
    """Failed-login counter per key ("account:<identifier>" or "ip:<address>")."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=300, unique=True)
    failures = fields.IntField(default=0)
    last_failure_at = fields.DatetimeField()
    blocked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"


class AuditEvent(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "training.Staff", related_name="audit_events", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=255, default="")
    detail = fields.TextField(default="")
    ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_event"
        ordering = ["-at", "-id"]


class DeploymentSetting(Model):
    """Names that differ per country (authorities, laws), kept out of the lessons."""

    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.TextField()

    class Meta:
        table = "deployment_setting"


class OutboxMessage(Model):
    """An email to send: kept until sent, so a message is never lost nor sent twice."""

    id = fields.IntField(primary_key=True)
    # Recipient, event and the date it is about: the same reminder is never queued twice.
    key = fields.CharField(max_length=255, unique=True)
    kind = fields.CharField(max_length=64, db_index=True)
    staff: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "training.Staff", related_name="emails", null=True, on_delete=fields.SET_NULL
    )
    recipient = fields.CharField(max_length=255)
    cc = fields.TextField(default="")  # comma-separated addresses
    language = fields.CharField(max_length=2)
    subject = fields.CharField(max_length=255)
    body_text = fields.TextField()
    body_html = fields.TextField()
    # A message queued unrendered (no subject yet): its template is `kind`, its values these,
    # rendered when sent or shown. A large staff import queues its password links this way.
    context = fields.JSONField(null=True)
    # Bodies holding a secret (a password-set link) are wiped once the message is sent, and
    # are sent first: the link expires in a week, and a rule on the nation queues a million
    # notices ahead of it.
    sensitive = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    # When the next try may start: a sender claims a message by moving this forward.
    next_attempt_at = fields.DatetimeField(db_index=True)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(default="")
    sent_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "outbox_message"
        ordering = ["-id"]
        # Also the sender's index of the messages waiting, made for each database by migration
        # 0009 (PostgreSQL's are partial, which the ORM cannot declare).
        indexes = (("staff_id",),)


# The longest export link (path and query) a prepared export keeps.
ASKED_LENGTH = 2000


class PreparedExport(Model):
    """An XLSX export that took longer to write than a request waits, finished in the
    background: its bytes are in the database so that any worker can send them, for a day."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "training.Staff", related_name="prepared_exports", on_delete=fields.CASCADE
    )
    # The export as asked (path and query): asked again by the same link.
    url = fields.CharField(max_length=ASKED_LENGTH)
    filename = fields.CharField(max_length=255)
    # writing (its request still waits for it: a second request finds it, on any worker),
    # pending, ready, failed or too_large
    state = fields.CharField(max_length=16)
    size = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(db_index=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "prepared_export"
        ordering = ["-id"]
        indexes = (("staff_id",),)


class PreparedExportPart(Model):
    """A piece of a prepared export (about a megabyte): the pieces in order are the file."""

    id = fields.IntField(primary_key=True)
    export: fields.ForeignKeyRelation[PreparedExport] = fields.ForeignKeyField(
        "training.PreparedExport", related_name="parts", on_delete=fields.CASCADE
    )
    seq = fields.IntField()
    data = fields.BinaryField()

    class Meta:
        table = "prepared_export_part"
        unique_together = (("export", "seq"),)
