"""What a learner does over the years: enrol, read, take the quiz until passing, get certified.

Each step follows the app's rules: the quiz draws each topic's quota, allows the version's
attempts with its wait between them, grades with the app's own scoring; a course is complete
when every lesson is read and the quiz passed, and then a certificate is issued, valid for the
version's months.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import permutations

from bench.organisation import PlannedStaff, Timeline
from certificates.codes import ALPHABET, RANDOM_CHARACTERS, check_character, display_code
from certificates.issuing import add_months
from courses.models import EnrolmentSource
from quizzes.drawing import choice_count
from quizzes.grading import correct_indices, percentage, score_answer
from quizzes.models import AttemptState
from quizzes.rules import QuizRules

# Chance that a member of the course's audience enrols over the years, by course.
ENROLMENT_CHANCE = {"phishing": 0.93, "mots-de-passe": 0.82, "evaluation-vulnerabilites": 0.8}
OTHER_COURSE_CHANCE = 0.62
ASSIGNED_SHARE = 0.55
DUE_DAYS = (30, 45, 60)
NOTHING_READ = 0.06
PARTLY_READ = 0.2
QUIZ_AFTER_READING = 0.97
QUIZ_WITHOUT_READING = 0.1
UNANSWERED = 0.02
REVOKED_SHARE = 0.003
# Draws are made once per course and reused at random: drawing each time is the slowest step.
DRAW_BITS = 12
DRAWS = 2**DRAW_BITS
# What a retry gains: the learner has seen the result and reread the lessons.
RETRY_GAIN = 0.06


@dataclass
class CourseFacts:
    id: int
    slug: str
    version_id: int
    label: str
    number: int
    title: dict
    validity_months: int
    for_it_staff: bool
    lessons: list[int]
    rules: QuizRules
    bank: list[dict]
    with_answers: bool
    pools: dict[str, list] = field(default_factory=dict)
    title_json: str = ""
    draws: list[tuple] = field(default_factory=list)


@dataclass
class Ids:
    """The next id of every table written here."""

    enrolment: int
    lesson_progress: int
    quiz_attempt: int
    quiz_answer: int
    answer_pick: int
    certificate: int
    audit_event: int


@dataclass
class Batch:
    """Rows waiting to be written, one list per table, in insertion order."""

    enrolment: list = field(default_factory=list)
    lesson_progress: list = field(default_factory=list)
    quiz_attempt: list = field(default_factory=list)
    quiz_answer: list = field(default_factory=list)
    answer_pick: list = field(default_factory=list)
    certificate: list = field(default_factory=list)
    audit_event: list = field(default_factory=list)

    def size(self) -> int:
        return sum(len(rows) for rows in vars(self).values())


COLUMNS = {
    "enrolment": (
        "id",
        "staff_id",
        "course_id",
        "version_id",
        "enrolled_at",
        "source",
        "due_date",
        "last_lesson_id",
        "lessons_completed_at",
        "quiz_passed_at",
        "completed_at",
    ),
    "lesson_progress": ("id", "enrolment_id", "lesson_id", "read_at"),
    "quiz_attempt": (
        "id",
        "staff_id",
        "enrolment_id",
        "version_id",
        "number",
        "state",
        "started_at",
        "deadline",
        "submitted_at",
        "score",
        "passed",
    ),
    "quiz_answer": (
        "id",
        "attempt_id",
        "position",
        "question_id",
        "choice_ids",
        "choice_indices",
        "picked",
        "saved_at",
        "score",
    ),
    "answer_pick": ("id", "answer_id", "question_id", "choice_index"),
    "certificate": (
        "id",
        "code",
        "enrolment_id",
        "issue_number",
        "staff_id",
        "course_id",
        "holder_name",
        "holder_registration_number",
        "agency_code",
        "agency_name_fr",
        "agency_name_ar",
        "course_slug",
        "course_title",
        "version_label",
        "version_number",
        "score",
        "issued_at",
        "expires_at",
        "created_at",
        "revoked_at",
        "revoked_reason",
        "revoked_by_id",
    ),
    "audit_event": ("id", "at", "actor_id", "action", "target", "detail", "ip"),
}


@dataclass(frozen=True, slots=True)
class Question:
    """What drawing and answering a bank question needs, computed once."""

    id: str
    bank: dict
    orders: tuple[tuple[int, ...], ...]  # the display orders a draw may give its choices
    right: frozenset[int]
    difficulty: float
    scored_in_part: bool  # proportional scoring of a multiple-choice question


def prepare_course(course: CourseFacts, rng: random.Random) -> None:
    """Topic pools of prepared questions, each with its own difficulty."""
    for question in course.bank:
        count = choice_count(question)
        orders = (
            (tuple(range(count)),)
            if question["kind"] == "true-false"
            else tuple(permutations(range(count)))
        )
        prepared = Question(
            question["id"],
            question,
            orders,
            frozenset(correct_indices(question)),
            rng.uniform(-0.12, 0.2),
            course.rules.proportional and question["kind"] == "multiple",
        )
        course.pools.setdefault(question["topic"], []).append(prepared)
    course.title_json = json_text(course.title)
    course.draws = [_draw(course, rng) for _ in range(DRAWS)]


def _draw(course: CourseFacts, rng: random.Random) -> tuple[Question, ...]:
    """Each topic's quota without repeats, then the questions shuffled: the app's draw.

    Topics are taken in the bank's order, not the quotas': PostgreSQL's jsonb keeps no key
    order, so the quotas come back in another order there and the same seed would draw, score
    and pass differently from SQLite."""
    drawn = []
    quotas = course.rules.topic_quotas
    for topic, pool in course.pools.items():
        drawn += rng.sample(pool, quotas.get(topic, 0))
    rng.shuffle(drawn)
    return tuple(drawn)


def json_text(value) -> str:
    """JSON as Tortoise stores it: compact, ASCII only."""
    return json.dumps(value, separators=(",", ":"))


def _json_strings(values: list[str]) -> str:
    return '["' + '","'.join(values) + '"]' if values else "[]"


def _json_numbers(values) -> str:
    return "[" + ",".join(map(str, values)) + "]"


class Learning:
    """Turns planned staff into their learning records, appending rows to a batch."""

    def __init__(self, courses, timeline: Timeline, writer, ids: Ids, rng, officers, codes):
        self.courses = courses
        self.timeline = timeline
        self.writer = writer
        self.ids = ids
        self.rng = rng
        self.officers = officers  # agency id -> the HR officer who revokes there
        self.codes = codes  # certificate codes already taken
        self.batch = Batch()

    def take(self) -> Batch:
        """The rows made so far, handed over for writing."""
        batch, self.batch = self.batch, Batch()
        return batch

    def learner(self, person: PlannedStaff) -> None:
        rng = self.rng
        ability = min(0.98, max(0.5, rng.gauss(0.8, 0.08)))
        keen = rng.random()
        end = min(person.deactivated_at or self.timeline.horizon, self.timeline.horizon)
        present = (end - person.created_at).days
        if present < 2:
            return
        for course in self.courses:
            if course.for_it_staff and not person.is_it:
                continue
            chance = ENROLMENT_CHANCE.get(course.slug, OTHER_COURSE_CHANCE)
            chance *= min(1.0, 0.6 + 0.5 * keen) * min(1.0, 0.3 + present / 365)
            if rng.random() < chance:
                self._course(person, course, ability, keen, end)

    def _course(self, person, course: CourseFacts, ability, keen, end: datetime) -> None:
        rng, w = self.rng, self.writer
        enrolled = self.timeline.moment(rng, person.created_at, end - timedelta(days=1))
        enrolment_id = self.ids.enrolment
        self.ids.enrolment += 1
        reads = self._reading(enrolment_id, course, enrolled, keen, end)
        last_read = reads[-1] if reads else None
        all_read = len(reads) == len(course.lessons)
        quiz_passed, score = None, None
        try_quiz = QUIZ_AFTER_READING if all_read else QUIZ_WITHOUT_READING
        if rng.random() < try_quiz:
            start = (last_read[1] if last_read else enrolled) + timedelta(
                hours=rng.expovariate(1 / 20)
            )
            quiz_passed, score = self._quiz(person, enrolment_id, course, ability, start, end)
        lessons_done = last_read[1] if all_read else None
        completed = max(lessons_done, quiz_passed) if lessons_done and quiz_passed else None
        assigned = rng.random() < ASSIGNED_SHARE
        self.batch.enrolment.append(
            (
                enrolment_id,
                person.id,
                course.id,
                course.version_id,
                w.moment(enrolled),
                EnrolmentSource.ASSIGNED.value if assigned else EnrolmentSource.SELF.value,
                w.day(enrolled.date() + timedelta(days=rng.choice(DUE_DAYS))) if assigned else None,
                last_read[0] if last_read else None,
                w.moment(lessons_done),
                w.moment(quiz_passed),
                w.moment(completed),
            )
        )
        if completed:
            self._certificate(person, course, enrolment_id, completed, score)

    def _reading(self, enrolment_id, course, enrolled, keen, end) -> list[tuple[int, datetime]]:
        rng = self.rng
        chance = rng.random() * (1.3 - 0.3 * keen)
        if chance < NOTHING_READ:
            return []
        count = len(course.lessons)
        if chance < PARTLY_READ:
            count = rng.randrange(1, count)
        reads, moment = [], enrolled
        for lesson_id in course.lessons[:count]:
            moment += timedelta(minutes=rng.uniform(3, 25))
            if rng.random() < 0.25:
                moment += timedelta(days=rng.expovariate(1 / 3))
            if moment >= end:
                break
            reads.append((lesson_id, moment))
            self.batch.lesson_progress.append(
                (self.ids.lesson_progress, enrolment_id, lesson_id, self.writer.moment(moment))
            )
            self.ids.lesson_progress += 1
        return reads

    def _quiz(self, person, enrolment_id, course, ability, start, end):
        """Attempts until one passes or none is left; the passing time and score, if any."""
        rules, rng, w = course.rules, self.rng, self.writer
        allowed = rules.attempts_allowed or 3
        for number in range(1, allowed + 1):
            took = timedelta(minutes=rng.uniform(4, 17), seconds=rng.randrange(60))
            if start + took >= end:
                return None, None
            strength = ability + RETRY_GAIN * (number - 1)
            score = self._answers(course, strength, start + took)
            passed = score >= rules.pass_mark
            self.batch.quiz_attempt.append(
                (
                    self.ids.quiz_attempt,
                    person.id,
                    enrolment_id,
                    course.version_id,
                    number,
                    AttemptState.GRADED.value,
                    w.moment(start),
                    w.moment(start + rules.time_limit) if rules.time_limit else None,
                    w.moment(start + took),
                    score,
                    passed,
                )
            )
            self.ids.quiz_attempt += 1
            if passed:
                return start + took, score
            start += took + rules.wait + timedelta(hours=rng.expovariate(1 / 30))
        return None, None

    def _answers(self, course: CourseFacts, strength: float, submitted: datetime) -> float:
        """The attempt's score; with answer rows for the courses that keep them."""
        rng = self.rng
        drawn = course.draws[rng.getrandbits(DRAW_BITS)]
        if not course.with_answers:
            right = sum(rng.random() < strength - question.difficulty for question in drawn)
            return percentage([1.0] * right + [0.0] * (len(drawn) - right))
        attempt_id = self.ids.quiz_attempt
        saved_at = self.writer.moment(submitted)
        scores = [
            self._answer(course, question, position, attempt_id, strength, saved_at)
            for position, question in enumerate(drawn, start=1)
        ]
        return percentage(scores)

    def _answer(self, course, question: Question, position, attempt_id, strength, saved_at):
        rng = self.rng
        order = rng.choice(question.orders)
        width = len(order)
        hexes = f"{rng.getrandbits(32 * width):0{8 * width}x}"
        ids = [hexes[8 * n : 8 * n + 8] for n in range(width)]
        roll = rng.random()
        if roll < UNANSWERED:
            picked = frozenset()
        elif roll < strength - question.difficulty:
            picked = question.right
        else:
            picked = _wrong_pick(rng, question, order)
        if question.scored_in_part:
            score = score_answer(question.bank, set(picked), proportional=True)
        else:
            score = 1.0 if picked == question.right else 0.0
        answer_id = self.ids.quiz_answer
        self.ids.quiz_answer += 1
        self.batch.quiz_answer.append(
            (
                answer_id,
                attempt_id,
                position,
                question.id,
                _json_strings(ids),
                _json_numbers(order),
                _json_strings(
                    [cid for cid, index in zip(ids, order, strict=True) if index in picked]
                ),
                saved_at if picked else None,
                score,
            )
        )
        for index in sorted(picked):
            self.batch.answer_pick.append((self.ids.answer_pick, answer_id, question.id, index))
            self.ids.answer_pick += 1
        return score

    def _certificate(self, person, course, enrolment_id, issued: datetime, score) -> None:
        rng, w = self.rng, self.writer
        code = self._code()
        revoked_at, reason, revoked_by = None, "", None
        if rng.random() < REVOKED_SHARE:
            revoked_at = issued + timedelta(days=rng.uniform(1, 120))
            if revoked_at >= self.timeline.horizon:
                revoked_at = None
            else:
                reason = rng.choice(REVOCATION_REASONS)
                revoked_by = self.officers.get(person.agency.id)
        certificate_id = self.ids.certificate
        self.ids.certificate += 1
        self.batch.certificate.append(
            (
                certificate_id,
                code,
                enrolment_id,
                1,
                person.id,
                course.id,
                person.full_name,
                person.registration_number,
                person.agency.code,
                person.agency.name_fr,
                person.agency.name_ar,
                course.slug,
                course.title_json,
                course.label,
                course.number,
                score,
                w.moment(issued),
                w.moment(add_months(issued, course.validity_months)),
                w.moment(issued + timedelta(microseconds=rng.randrange(200_000, 900_000))),
                w.moment(revoked_at),
                reason,
                revoked_by,
            )
        )
        self._audit(issued, None, "certificate.issued", code, f"{course.slug} {course.label}")
        if revoked_at:
            self._audit(revoked_at, revoked_by, "certificate.revoked", code, reason)

    def _audit(self, at: datetime, actor: int | None, action: str, code: str, detail: str) -> None:
        self.batch.audit_event.append(
            (
                self.ids.audit_event,
                self.writer.moment(at),
                actor,
                action,
                display_code(code),
                detail,
                "",
            )
        )
        self.ids.audit_event += 1

    def _code(self) -> str:
        """A valid certificate code, drawn again on the rare clash."""
        while True:
            bits = self.rng.getrandbits(5 * RANDOM_CHARACTERS)
            body = "".join(ALPHABET[(bits >> (5 * n)) & 31] for n in range(RANDOM_CHARACTERS))
            code = body + check_character(body)
            if code not in self.codes:
                self.codes.add(code)
                return code


REVOCATION_REASONS = (
    "Délivré par erreur à la suite d'une usurpation de compte",
    "Fraude constatée lors du quiz",
    "Erreur d'identité du titulaire",
)


def _wrong_pick(rng: random.Random, question: Question, order: tuple[int, ...]) -> frozenset:
    """A plausible mistake: a wrong choice, or for multiple choice a right one missed."""
    right = question.right
    wrong = [index for index in order if index not in right]
    if question.bank["kind"] == "multiple" and len(right) > 1 and rng.random() < 0.6:
        picked = set(right)
        picked.discard(rng.choice(sorted(right)))
        if wrong and rng.random() < 0.5:
            picked.add(rng.choice(wrong))
        return frozenset(picked)
    return frozenset((rng.choice(wrong),)) if wrong else frozenset()
