"""Course versions by id, read once per process.

A loaded version never changes (a new edition is a new row), and its question bank and guide
are the largest rows a learner's page reads: each process keeps the versions it has read.
"""

from __future__ import annotations

from collections.abc import Iterable

from courses.models import CourseVersion

_versions: dict[int, CourseVersion] = {}


async def version_by_id(version_id: int) -> CourseVersion:
    version = _versions.get(version_id)
    if version is None:
        version = _versions[version_id] = await CourseVersion.get(id=version_id)
    return version


async def attach_versions(rows: Iterable) -> None:
    """Give each row (an enrolment, an attempt) its version, as prefetch_related would."""
    for row in rows:
        row.version = await version_by_id(row.version_id)


def forget_versions() -> None:
    """When the app starts: another database (a test's, a restored one) may reuse the ids."""
    _versions.clear()
