"""What is taught: courses and their versions, modules, lessons, media, and learners' progress."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Audience(StrEnum):
    ALL = "all"
    IT_STAFF = "it-staff"


class EnrolmentSource(StrEnum):
    SELF = "self"
    ASSIGNED = "assigned"


class Course(Model):
    """A course is its slug: everything a learner reads belongs to one of its versions."""

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    current_version: fields.ForeignKeyNullableRelation["CourseVersion"] = fields.ForeignKeyField(
        "courses.CourseVersion", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "course"
        ordering = ["slug"]


class CourseVersion(Model):
    """One loaded edition of a pack, never changed once loaded, so learners can keep it."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "courses.Course", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    label = fields.CharField(max_length=32)
    content_hash = fields.CharField(max_length=64)
    languages = fields.JSONField()
    title = fields.JSONField()
    summary = fields.JSONField()
    audience = fields.CharEnumField(Audience, max_length=16)
    estimated_minutes = fields.IntField()
    prerequisites = fields.JSONField()
    pass_mark = fields.IntField()
    certificate_validity_months = fields.IntField()
    topics = fields.JSONField()
    quiz_rules = fields.JSONField()
    # The validated bank, read by the quizzes package (which sits above this one).
    question_bank = fields.JSONField()
    guide = fields.JSONField()
    loaded_at = fields.DatetimeField()

    class Meta:
        table = "course_version"
        unique_together = (("course", "number"),)
        ordering = ["course_id", "number"]


class Module(Model):
    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation[CourseVersion] = fields.ForeignKeyField(
        "courses.CourseVersion", related_name="modules", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    folder = fields.CharField(max_length=128)
    title = fields.JSONField()

    class Meta:
        table = "course_module"
        unique_together = (("version", "position"),)
        ordering = ["position"]


class Lesson(Model):
    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation[CourseVersion] = fields.ForeignKeyField(
        "courses.CourseVersion", related_name="lessons", on_delete=fields.CASCADE
    )
    module: fields.ForeignKeyRelation[Module] = fields.ForeignKeyField(
        "courses.Module", related_name="lessons", on_delete=fields.CASCADE
    )
    # Reading order across the whole course, 1..n: previous/next and progress use it.
    sequence = fields.IntField()
    slug = fields.CharField(max_length=128)
    title = fields.JSONField()
    body = fields.JSONField()

    class Meta:
        table = "lesson"
        unique_together = (("version", "sequence"),)
        ordering = ["sequence"]


class MediaFile(Model):
    """Images of a version, kept in the database so an uploaded pack needs no disk."""

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation[CourseVersion] = fields.ForeignKeyField(
        "courses.CourseVersion", related_name="media", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=64)
    data = fields.BinaryField()

    class Meta:
        table = "media_file"
        unique_together = (("version", "name"),)


class Enrolment(Model):
    """A learner's n-th time through a course, on the version they started: they keep it.

    The cycle counts a learner's enrolments in one course: a new edition or a recertification
    of a completed course starts the next cycle, and two requests racing to start it make one.
    """

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="enrolments", on_delete=fields.RESTRICT
    )
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "courses.Course", related_name="enrolments", on_delete=fields.RESTRICT
    )
    version: fields.ForeignKeyRelation[CourseVersion] = fields.ForeignKeyField(
        "courses.CourseVersion", related_name="enrolments", on_delete=fields.RESTRICT
    )
    enrolled_at = fields.DatetimeField()
    source = fields.CharEnumField(EnrolmentSource, max_length=16)
    due_date = fields.DateField(null=True)
    last_lesson: fields.ForeignKeyNullableRelation[Lesson] = fields.ForeignKeyField(
        "courses.Lesson", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    lessons_completed_at = fields.DatetimeField(null=True)
    quiz_passed_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True, db_index=True)
    cycle = fields.IntField(default=1)

    class Meta:
        table = "enrolment"
        unique_together = (("staff", "course", "cycle"),)
        # (staff_id, completed_at): reports ask "did this person complete something then?"
        indexes = (("course_id", "completed_at"), ("enrolled_at",), ("staff_id", "completed_at"))


class LessonProgress(Model):
    id = fields.IntField(primary_key=True)
    enrolment: fields.ForeignKeyRelation[Enrolment] = fields.ForeignKeyField(
        "courses.Enrolment", related_name="progress", on_delete=fields.CASCADE
    )
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "courses.Lesson", related_name="progress", on_delete=fields.RESTRICT
    )
    read_at = fields.DatetimeField()

    class Meta:
        table = "lesson_progress"
        unique_together = (("enrolment", "lesson"),)


class RuleTarget(StrEnum):
    PEOPLE = "people"
    AGENCY = "agency"
    JOB_TITLE = "job_title"
    ROLE = "role"


class Campaign(Model):
    """An awareness campaign: courses assigned to an audience for a period (GCI indicator 4.2)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    # The audience: an agency (none: every agency), optionally a job title or a role within it.
    agency: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Agency", related_name="campaigns", null=True, on_delete=fields.RESTRICT
    )
    include_sub_agencies = fields.BooleanField(default=True)
    job_title = fields.CharField(max_length=255, default="")
    role = fields.CharField(max_length=16, default="")
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "campaign"
        ordering = ["-starts_on", "-id"]


class AssignmentRule(Model):
    """Who must follow a course and by when. Rules on an audience also reach later arrivals."""

    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "courses.Course", related_name="assignment_rules", on_delete=fields.RESTRICT
    )
    target = fields.CharEnumField(RuleTarget, max_length=16)
    # For a list of people: the agency of whoever listed them, which bounds who may see the rule.
    agency: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Agency", related_name="assignment_rules", null=True, on_delete=fields.RESTRICT
    )
    include_sub_agencies = fields.BooleanField(default=True)
    job_title = fields.CharField(max_length=255, default="")
    role = fields.CharField(max_length=16, default="")
    # A fixed date, or a number of days after the later of joining and the assignment.
    due_date = fields.DateField(null=True)
    due_days = fields.IntField(null=True)
    starts_on = fields.DateField()
    campaign: fields.ForeignKeyNullableRelation[Campaign] = fields.ForeignKeyField(
        "courses.Campaign", related_name="rules", null=True, on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    stopped_at = fields.DatetimeField(null=True)

    class Meta:
        table = "assignment_rule"
        ordering = ["-id"]


class Cohort(Model):
    """A group following a long course together: a module opens each week, with sessions."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "courses.Course", related_name="cohorts", on_delete=fields.RESTRICT
    )
    # The organising agency: its HR officers (and those above) manage the cohort.
    agency: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Agency", related_name="cohorts", on_delete=fields.RESTRICT
    )
    starts_on = fields.DateField()
    trainer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name="trained_cohorts", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "cohort"
        ordering = ["-starts_on", "-id"]


class Assignment(Model):
    """One person given a course by a rule, a cohort (its members) or a certificate to renew."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="assignments", on_delete=fields.RESTRICT
    )
    enrolment: fields.ForeignKeyRelation[Enrolment] = fields.ForeignKeyField(
        "courses.Enrolment", related_name="assignments", on_delete=fields.RESTRICT
    )
    rule: fields.ForeignKeyNullableRelation[AssignmentRule] = fields.ForeignKeyField(
        "courses.AssignmentRule", related_name="assignments", null=True, on_delete=fields.RESTRICT
    )
    cohort: fields.ForeignKeyNullableRelation[Cohort] = fields.ForeignKeyField(
        "courses.Cohort", related_name="members", null=True, on_delete=fields.RESTRICT
    )
    # The id of the certificate this renews: a plain number, certificates sit above courses.
    renews_certificate = fields.IntField(null=True, unique=True)
    due_date = fields.DateField(null=True)
    assigned_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "assignment"
        unique_together = (("rule", "staff"), ("cohort", "staff"))
        # Every lesson page looks up its enrolment's cohort: without it, a scan of all
        # assignments (20 ms at 600,000).
        indexes = (("enrolment_id",),)


class CohortSession(Model):
    """A meeting of a cohort: when, and where (a room, or a link for a video call)."""

    id = fields.IntField(primary_key=True)
    cohort: fields.ForeignKeyRelation[Cohort] = fields.ForeignKeyField(
        "courses.Cohort", related_name="sessions", on_delete=fields.CASCADE
    )
    starts_at = fields.DatetimeField()
    title = fields.CharField(max_length=255)
    place = fields.CharField(max_length=255, default="")
    link = fields.CharField(max_length=512, default="")

    class Meta:
        table = "cohort_session"
        ordering = ["starts_at", "id"]


class Attendance(Model):
    """Whether a member attended a session, as the trainer recorded it."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[CohortSession] = fields.ForeignKeyField(
        "courses.CohortSession", related_name="attendance", on_delete=fields.CASCADE
    )
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="attendance", on_delete=fields.RESTRICT
    )
    present = fields.BooleanField()
    recorded_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "training.Staff", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "attendance"
        unique_together = (("session", "staff"),)
