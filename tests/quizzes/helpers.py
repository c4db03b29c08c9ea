"""Answer sheets built from the server's own records, as only a test can see them."""

from quizzes.grading import correct_indices
from quizzes.models import QuizAnswer, QuizAttempt


async def right_picks(
    attempt: QuizAttempt, wrong_positions: tuple[int, ...] = (), wrong_ids: tuple[str, ...] = ()
) -> dict:
    """Position -> choice ids: right answers, except the lowest wrong choice where asked."""
    await attempt.fetch_related("version")
    bank = {q["id"]: q for q in attempt.version.question_bank}
    picks = {}
    for answer in await QuizAnswer.filter(attempt_id=attempt.id):
        right = correct_indices(bank[answer.question_id])
        pairs = list(zip(answer.choice_ids, answer.choice_indices, strict=True))
        if answer.position in wrong_positions or answer.question_id in wrong_ids:
            wrong = min(index for _, index in pairs if index not in right)
            picks[answer.position] = [cid for cid, index in pairs if index == wrong]
        else:
            picks[answer.position] = [cid for cid, index in pairs if index in right]
    return picks
