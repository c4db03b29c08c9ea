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
    """A learner on one version of a course: the version they started is the one they keep."""

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

    class Meta:
        table = "enrolment"
        unique_together = (("staff", "version"),)
        indexes = (("course_id", "completed_at"),)


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
