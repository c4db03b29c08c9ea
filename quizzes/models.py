"""How learning is tested: attempts, the questions drawn for each, and the answers given."""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AttemptState(StrEnum):
    OPEN = "open"
    GRADED = "graded"


class QuizAttempt(Model):
    """One sitting of a course's final quiz, graded once, on the server."""

    id = fields.IntField(primary_key=True)
    staff: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "training.Staff", related_name="quiz_attempts", on_delete=fields.RESTRICT
    )
    enrolment: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.Enrolment", related_name="quiz_attempts", on_delete=fields.RESTRICT
    )
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.CourseVersion", related_name="quiz_attempts", on_delete=fields.RESTRICT
    )
    # 1, 2, 3… per learner and course version: the unique pair stops a double start.
    number = fields.IntField()
    state = fields.CharEnumField(AttemptState, max_length=8, default=AttemptState.OPEN)
    started_at = fields.DatetimeField()
    deadline = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField(null=True)
    score = fields.FloatField(null=True)
    passed = fields.BooleanField(null=True)

    class Meta:
        table = "quiz_attempt"
        unique_together = (("enrolment", "number"),)
        # Reports look a person's attempts up from their membership: by person, then date.
        indexes = (("version_id", "state"), ("submitted_at",), ("staff_id", "submitted_at"))


class QuizAnswer(Model):
    """A drawn question in an attempt with the learner's picks, one row per question."""

    id = fields.IntField(primary_key=True)
    attempt: fields.ForeignKeyRelation[QuizAttempt] = fields.ForeignKeyField(
        "quizzes.QuizAttempt", related_name="answers", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    question_id = fields.CharField(max_length=64, db_index=True)
    # Opaque per-attempt choice ids, in display order, and the bank index each stands for.
    # Kept on the server only: the page gets the ids, never the indices.
    choice_ids = fields.JSONField()
    choice_indices = fields.JSONField()
    picked = fields.JSONField(default=list)
    saved_at = fields.DatetimeField(null=True)
    score = fields.FloatField(null=True)

    class Meta:
        table = "quiz_answer"
        unique_together = (("attempt", "position"),)
        ordering = ["position"]


class AnswerPick(Model):
    """A choice picked in a graded answer: per-choice statistics are one GROUP BY away."""

    id = fields.IntField(primary_key=True)
    answer: fields.ForeignKeyRelation[QuizAnswer] = fields.ForeignKeyField(
        "quizzes.QuizAnswer", related_name="picks", on_delete=fields.CASCADE
    )
    question_id = fields.CharField(max_length=64)
    choice_index = fields.IntField()

    class Meta:
        table = "answer_pick"
        indexes = (("question_id", "choice_index"),)


class ScoreTally(Model):
    """Graded attempts of a version per score, counted at grading: statistics read counters."""

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.CourseVersion", related_name=False, on_delete=fields.CASCADE
    )
    score_centi = fields.IntField()  # the attempt's score in hundredths of a percent
    attempts = fields.IntField(default=0)
    passed = fields.IntField(default=0)

    class Meta:
        table = "quiz_score_tally"
        unique_together = (("version", "score_centi"),)


class QuestionTally(Model):
    """Per question and attempt score: times drawn and summed score, for the discrimination index.

    Counted at grading, so statistics never read every answer of a large course.
    """

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.CourseVersion", related_name=False, on_delete=fields.CASCADE
    )
    question_id = fields.CharField(max_length=64)
    score_centi = fields.IntField()
    drawn = fields.IntField(default=0)
    score_sum = fields.FloatField(default=0)

    class Meta:
        table = "quiz_question_tally"
        unique_together = (("version", "question_id", "score_centi"),)


class ChoiceTally(Model):
    """How often each choice of a question was picked in graded attempts."""

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "courses.CourseVersion", related_name=False, on_delete=fields.CASCADE
    )
    question_id = fields.CharField(max_length=64)
    choice_index = fields.IntField()
    picks = fields.IntField(default=0)

    class Meta:
        table = "quiz_choice_tally"
        unique_together = (("version", "question_id", "choice_index"),)
