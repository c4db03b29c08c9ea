"""Secrets generated once into data/, safely when several processes start at the same time."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def write_once(path: Path, make: Callable[[], bytes]) -> bytes:
    """Create `path` (owner-only) holding what `make` returns unless it exists (then `make` is
    not called), and return what the file holds.

    The content is written whole under another name, then linked into place: a racing process
    either links first or reads the winner's complete file, so every worker ends up with the
    same secret.
    """
    if not path.exists():
        content = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{id(content)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_bytes()
