"""The audit log: who did what to whom, when, from where."""

from __future__ import annotations

from datetime import datetime

from training import sql
from training.models import AuditEvent, Staff

_INSERT_EVENT = """
INSERT INTO audit_event (at, actor_id, action, target, detail, ip)
VALUES (:at, :actor_id, :action, :target, :detail, :ip)
"""


async def record(
    action: str, *, actor: Staff | None = None, target: str = "", detail: str = "", ip: str = ""
) -> AuditEvent:
    return await AuditEvent.create(
        action=action, actor=actor, target=target[:255], detail=detail, ip=ip[:64]
    )


async def record_many(
    action: str,
    entries: list[tuple[str, str]],
    *,
    actor: Staff | None,
    ip: str,
    at: datetime,
) -> None:
    """One event per (target, detail), written together: what an import does to many people."""
    await sql.many(
        _INSERT_EVENT,
        [
            {
                "at": at,
                "actor_id": actor.id if actor else None,
                "action": action,
                "target": target[:255],
                "detail": detail,
                "ip": ip[:64],
            }
            for target, detail in entries
        ],
    )


async def list_events(page: int, page_size: int, action: str = "") -> tuple[list[AuditEvent], int]:
    query = AuditEvent.all()
    if action:
        query = query.filter(action=action)
    total = await query.count()
    events = await query.offset((page - 1) * page_size).limit(page_size).prefetch_related("actor")
    return events, total
