"""Files kept in the database in parts of about a megabyte, so that any worker (or server)
sends them, and none holds a whole file in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.models import Model
from tortoise.queryset import QuerySet

PART_BYTES = 1_000_000


async def write_parts(path: str, model: type[Model], **owner) -> int:
    """The file at `path` stored as rows of `model` (fields `seq` and `data`, and the owner's
    key given as `owner`); its size in bytes."""
    size = seq = 0
    with open(path, "rb") as file:
        while data := file.read(PART_BYTES):
            await model.create(seq=seq, data=data, **owner)
            seq, size = seq + 1, size + len(data)
    return size


async def read_parts(parts: QuerySet, field: str = "data") -> AsyncIterator:
    """The parts' `field` (bytes, or text for an evidence pack's JSON) in order of `seq`, one
    part read at a time: a national file is hundreds of megabytes."""
    for part_id in await parts.order_by("seq").values_list("id", flat=True):
        yield getattr(await parts.model.get(id=part_id), field)
