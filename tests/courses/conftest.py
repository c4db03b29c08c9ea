"""Fixtures of the courses tests: a loaded demo course beside the shared world."""

from __future__ import annotations

import pytest

from courses.models import Course
from courses.packs import load_packs
from tests.courses.packbuilder import write_pack


@pytest.fixture
def pack_root(tmp_path):
    return tmp_path / "packs"


@pytest.fixture
async def demo_course(app, pack_root) -> Course:
    """The demo pack loaded: three lessons in two modules (see packbuilder)."""
    write_pack(pack_root)
    await load_packs(pack_root)
    return await Course.get(slug="demo").prefetch_related("current_version")
