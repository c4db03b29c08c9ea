"""What the quiz pages and the API share: finding the learner's enrolment and the quiz rules."""

from __future__ import annotations

from collections.abc import Callable

from courses.localising import pick_language
from courses.models import Enrolment
from courses.placeholders import deployment_names, fill_placeholders
from courses.versions import attach_versions, quiz_has_placeholders
from quizzes.attempts import QuizError
from quizzes.rules import QuizRules
from training.i18n import _


async def enrolment_for(staff_id: int, slug: str) -> Enrolment:
    """The learner's latest enrolment in the course, with the course: one joined query."""
    enrolment = (
        await Enrolment.filter(staff_id=staff_id, course__slug=slug)
        .order_by("-id")
        .first()
        .select_related("course")
    )
    if enrolment is None:
        raise QuizError(404, _("Inscrivez-vous d'abord à ce cours pour passer son quiz."))
    await attach_versions([enrolment])
    return enrolment


def rules_of(enrolment: Enrolment) -> QuizRules:
    return QuizRules.of(enrolment.version)


def content_language(preferred: str, version) -> str:
    """The learner's language when the course version has it, else French."""
    return pick_language(preferred, version.languages)


async def placeholder_filler(language: str, version) -> Callable[[str], str]:
    """Fills the deployment's names into the version's quiz texts; they are read (they may
    change at any time, from the admin page) only when those texts hold placeholders."""
    if not quiz_has_placeholders(version):
        return lambda text: text
    names = await deployment_names(language)
    return lambda text: fill_placeholders(text, names)
