"""Course versions by id, read once per process.

A loaded version never changes (a new edition is a new row), and its question bank and guide
are the largest rows a learner's page reads: each process keeps the versions it has read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from courses.models import CourseVersion
from courses.placeholders import PLACEHOLDER

_versions: dict[int, CourseVersion] = {}
_named_in_quiz: dict[int, bool] = {}


async def version_by_id(version_id: int) -> CourseVersion:
    version = _versions.get(version_id)
    if version is None:
        version = _versions[version_id] = await CourseVersion.get(id=version_id)
    return version


async def attach_versions(rows: Iterable) -> None:
    """Give each row (an enrolment, an attempt) its version, as prefetch_related would."""
    for row in rows:
        row.version = await version_by_id(row.version_id)


def quiz_has_placeholders(version: CourseVersion) -> bool:
    """Whether the version's questions write a national name as a placeholder: only then does
    showing them need the deployment's names, a database read."""
    found = _named_in_quiz.get(version.id)
    if found is None:
        bank = json.dumps(version.question_bank, ensure_ascii=False)
        found = _named_in_quiz[version.id] = PLACEHOLDER.search(bank) is not None
    return found


def forget_versions() -> None:
    """When the app starts: another database (a test's, a restored one) may reuse the ids."""
    _versions.clear()
    _named_in_quiz.clear()
