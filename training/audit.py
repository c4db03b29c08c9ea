"""The audit log: who did what to whom, when, from where."""

from __future__ import annotations

from training.models import AuditEvent, Staff


async def record(
    action: str, *, actor: Staff | None = None, target: str = "", detail: str = "", ip: str = ""
) -> AuditEvent:
    return await AuditEvent.create(
        action=action, actor=actor, target=target[:255], detail=detail, ip=ip[:64]
    )


async def list_events(page: int, page_size: int, action: str = "") -> tuple[list[AuditEvent], int]:
    query = AuditEvent.all()
    if action:
        query = query.filter(action=action)
    total = await query.count()
    events = await query.offset((page - 1) * page_size).limit(page_size).prefetch_related("actor")
    return events, total
