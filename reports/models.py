"""Where staff belonged and when, and the declared standardisation programmes (GCI 4.1)."""

from tortoise import fields
from tortoise.models import Model


class StaffMembership(Model):
    """A staff member in one agency from `started_at` until `ended_at` (open while there)."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="memberships", on_delete=fields.RESTRICT
    )
    agency: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Agency", related_name="memberships", on_delete=fields.RESTRICT
    )
    # The agency's place in the tree at the time: a later move of the agency rewrites no history.
    agency_path = fields.CharField(max_length=512, db_index=True)
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "staff_membership"
        indexes = (("staff_id", "started_at"),)


class StandardsProgramme(Model):
    """An official R&D programme on cybersecurity standards or good practice, with evidence."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=255)
    # The agency running it, or none for a national programme.
    agency: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Agency", related_name="standards_programmes", null=True, on_delete=fields.RESTRICT
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)
    evidence = fields.TextField()
    recorded_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "standards_programme"
        ordering = ["-starts_on", "-id"]


class GciThresholds(Model):
    """The thresholds in force for GCI 4.1 to 4.4, edited by administrators (one row)."""

    id = fields.IntField(primary_key=True)
    programmes_partial = fields.IntField()
    programmes_full = fields.IntField()
    # Coverage of active staff trained, in whole percent.
    coverage_partial = fields.IntField()
    coverage_full = fields.IntField()
    professionals_partial = fields.IntField()
    professionals_full = fields.IntField()
    agencies_partial = fields.IntField()
    agencies_full = fields.IntField()
    updated_at = fields.DatetimeField()
    updated_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "gci_thresholds"


class GciIndicatorRecord(Model):
    """A national reporter's points for one GCI 2014 indicator and one assessment year."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField()
    code = fields.CharField(max_length=8)
    points = fields.SmallIntField()
    evidence = fields.TextField()
    links = fields.TextField()  # one address a line
    recorded_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "gci_indicator_record"
        unique_together = (("year", "code"),)
        ordering = ["year", "code"]


class EvidenceSnapshot(Model):
    """A frozen evidence pack: every figure of a scope and period, as canonical JSON (its parts
    in `EvidencePart`), never changed once written (freezing again makes a new row)."""

    id = fields.IntField(primary_key=True)
    # The scope: an agency subtree, or none for the whole nation.
    agency: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Agency", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    scope_path = fields.CharField(max_length=512, db_index=True)
    period_kind = fields.CharField(max_length=16)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    as_of = fields.DateField()
    # A pack is written after the freeze is asked for (a nation's takes a minute): "pending"
    # until then, "ready" once its hash is known, "failed" if writing it failed.
    status = fields.CharField(max_length=16, default="ready", db_default="ready")
    sha256 = fields.CharField(max_length=64)
    # How many records each figure's list holds (the JSON holds them, a national pack millions);
    # none in packs frozen before the JSON came in parts (their one part holds every record).
    listed = fields.JSONField(null=True)
    frozen_at = fields.DatetimeField()
    frozen_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The XLSX is built once, after the JSON (a nation's takes two minutes, too long for a
    # download): "pending", "ready", "failed", or "too_large" when a list has more rows than a
    # sheet holds; none in packs frozen before, whose XLSX is built at each download.
    workbook = fields.CharField(max_length=16, null=True)

    class Meta:
        table = "evidence_snapshot"
        ordering = ["-frozen_at", "-id"]


class EvidencePart(Model):
    """A piece of a snapshot's canonical JSON: the pieces in order are the downloaded bytes. A
    figure's records come in pieces of their own, named by `section`, each holding whole records
    only (JSON objects separated by commas), so that a pack is never read whole."""

    id = fields.IntField(primary_key=True)
    snapshot: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "reports.EvidenceSnapshot", related_name="parts", on_delete=fields.CASCADE
    )
    seq = fields.IntField()
    # "figures.<key>": records of that figure's list; "repeat": records shown a second time
    # (the GCI indicators quote two lists); empty: the rest of the JSON.
    section = fields.CharField(max_length=64, default="")
    text = fields.TextField()

    class Meta:
        table = "evidence_part"
        unique_together = (("snapshot", "seq"),)


class EvidenceWorkbookPart(Model):
    """A piece of a snapshot's XLSX file (about a megabyte): the pieces in order are the file."""

    id = fields.IntField(primary_key=True)
    snapshot: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "reports.EvidenceSnapshot", related_name="workbook_parts", on_delete=fields.CASCADE
    )
    seq = fields.IntField()
    data = fields.BinaryField()

    class Meta:
        table = "evidence_workbook_part"
        unique_together = (("snapshot", "seq"),)


class StoredDashboard(Model):
    """A dashboard of a large scope as counted at one moment, shown again for a few minutes:
    counting a ministry's records anew at every view takes seconds."""

    id = fields.IntField(primary_key=True)
    scope_path = fields.CharField(max_length=512)  # "/" is the nation
    period_kind = fields.CharField(max_length=16)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    as_of = fields.DateField()
    counted_at = fields.DatetimeField()  # no record after this moment is counted
    seconds = fields.FloatField()  # how long the count took
    figures = fields.JSONField()
    viewed_at = fields.DatetimeField(db_index=True)
    # A refresher counting it again holds it until then, so workers do not count it twice.
    refreshing_until = fields.DatetimeField(null=True)

    class Meta:
        table = "stored_dashboard"
        unique_together = (("scope_path", "period_kind", "starts_on", "ends_on", "as_of"),)
