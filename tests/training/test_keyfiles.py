"""Secrets written once: every process that starts at the same moment reads the same one."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from server import Settings
from training.keyfiles import write_once


def test_the_first_writer_wins_and_the_file_is_the_owners_only(tmp_path):
    path = tmp_path / "data" / "secret_key"
    assert write_once(path, lambda: b"first") == b"first"
    assert write_once(path, lambda: pytest.fail("made again")) == b"first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no draft left behind


def test_processes_starting_together_share_one_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("AMANE_SECRET_KEY", raising=False)
    monkeypatch.setenv("AMANE_DATA_DIR", str(tmp_path / "data"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: Settings.from_environment().secret_key, range(32)))
    assert len(keys) == 1 and len(next(iter(keys))) >= 48
