"""What the quiz pages and the API share: finding the learner's enrolment and the quiz rules."""

from __future__ import annotations

from courses.enrolment import latest_enrolment
from courses.localising import pick_language
from courses.models import Course, Enrolment
from courses.placeholders import deployment_names, fill_placeholders
from quizzes.attempts import QuizError
from quizzes.rules import QuizRules
from training.i18n import _


async def enrolment_for(staff_id: int, slug: str) -> Enrolment:
    """The learner's latest enrolment in the course: the version whose quiz they take."""
    course = await Course.get_or_none(slug=slug)
    enrolment = await latest_enrolment(staff_id, course.id) if course else None
    if enrolment is None:
        raise QuizError(404, _("Inscrivez-vous d'abord à ce cours pour passer son quiz."))
    enrolment.course = course
    return enrolment


def rules_of(enrolment: Enrolment) -> QuizRules:
    return QuizRules.of(enrolment.version)


def content_language(preferred: str, version) -> str:
    """The learner's language when the course version has it, else French."""
    return pick_language(preferred, version.languages)


async def placeholder_filler(language: str):
    names = await deployment_names(language)
    return lambda text: fill_placeholders(text, names)
