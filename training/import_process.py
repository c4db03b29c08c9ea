"""A large staff file is imported in a process of its own, started for it and gone after it.

Imported by the web worker, a file of 100,000 new people took the worker from 85 MB to 495 MB
at its peak (the target is 200 MB a worker: the people's rows, their accounts and the emails
queued for them are all in memory at once, for an all-or-nothing import) and held its event
loop for up to 1.2 s at a time, every other request of that worker waiting. The process does
what `amane staff import` does, as the officer who sent the file and in their language; the
worker only waits for its answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from tortoise import Tortoise

from training import database
from training.i18n import current_language
from training.importing import (
    ImportRejected,
    ImportReport,
    NewPerson,
    import_staff,
    read_staff_file,
)
from training.models import Staff
from training.sqlite import in_memory
from training.tabular import Problem

# Files from this size on (about 3,000 rows of CSV) go to a process of their own: starting one
# takes a second or two, nothing beside a large import.
LARGE_FILE_BYTES = 256 * 1024

# What makes a new process the app's (server.wire: settings and event subscribers).
_wire: Callable[[Any], None] | None = None


def configure(wire: Callable[[Any], None]) -> None:
    global _wire
    _wire = wire


async def import_upload(
    settings: Any, upload: UploadFile, *, actor: Staff, ip: str, links_kept: int
) -> ImportReport:
    """The file sent imported, here when small, else in a process of its own which reads it
    from a copy on disk (the worker never holds it whole); the report keeps the first
    `links_kept` password links (every new account has its link by email)."""
    filename = upload.filename or ""
    size = upload.size if upload.size is not None else LARGE_FILE_BYTES
    if size < LARGE_FILE_BYTES or _wire is None or _in_memory(settings.database_url):
        rows = read_staff_file(filename, await upload.read())
        report = await import_staff(rows, actor=actor, ip=ip, filename=filename)
        return dataclasses.replace(report, password_links=report.password_links[:links_kept])
    with tempfile.NamedTemporaryFile(prefix="amane-import-") as copy:
        await upload.seek(0)
        await asyncio.to_thread(shutil.copyfileobj, upload.file, copy)
        copy.flush()
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(
                pool,
                _import_here,
                _wire,
                settings,
                current_language.get(),
                filename,
                copy.name,
                actor.id,
                ip,
                links_kept,
            )
        finally:
            pool.shutdown(wait=False)  # the process ends once it has answered
    if isinstance(outcome, list):  # the problems that rejected the file
        raise ImportRejected(outcome)
    return outcome


def _in_memory(database_url: str) -> bool:
    """A database only this process sees."""
    return database_url.startswith("sqlite://") and in_memory(
        database_url.removeprefix("sqlite://")
    )


def _import_here(
    wire: Callable[[Any], None],
    settings: Any,
    language: str,
    filename: str,
    path: str,
    actor_id: int,
    ip: str,
    links_kept: int,
) -> ImportReport | list[Problem]:
    """The import of the file at `path`, run in the new process: its report, or the problems
    that rejected the file (the exception's own arguments would not cross back)."""
    wire(settings)
    current_language.set(language)
    data = Path(path).read_bytes()
    return asyncio.run(_import(settings, filename, data, actor_id, ip, links_kept))


async def _import(
    settings: Any, filename: str, data: bytes, actor_id: int, ip: str, links_kept: int
) -> ImportReport | list[Problem]:
    await Tortoise.init(config=database.tortoise_config(settings.database_url))
    try:
        actor = await Staff.get(id=actor_id).prefetch_related("agency")  # its scope
        try:
            report = await import_staff(
                read_staff_file(filename, data), actor=actor, ip=ip, filename=filename
            )
        except ImportRejected as exc:
            return exc.problems
        kept = [
            (NewPerson(person.full_name, person.registration_number, person.email), token)
            for person, token in report.password_links[:links_kept]
        ]
        return dataclasses.replace(report, password_links=kept)
    finally:
        await Tortoise.close_connections()
