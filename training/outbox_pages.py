"""The outbox pages: every queued email, what was sent, what failed and why (administrators)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from training.models import OutboxMessage, Role
from training.notifications import notice_settings
from training.pages import Page, page_number, render, require_role
from training.sending import MAX_ATTEMPTS, with_bodies

# An email's HTML shown on its own: no script runs, nothing is fetched, it cannot be framed.
EMAIL_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


async def _rendered(message: OutboxMessage) -> OutboxMessage:
    """A message queued unrendered is shown rendered, as it would be sent now."""
    try:
        return await with_bodies(message)
    except LookupError:
        return message  # queued for an account since removed: shown as it is


async def outbox(request: Request) -> Response:
    require_role(request, Role.ADMIN)
    size = request.app.state.settings.page_size
    number = page_number(request)
    query = OutboxMessage.all()
    total = await query.count()
    messages = [
        await _rendered(message) for message in await query.offset((number - 1) * size).limit(size)
    ]
    return render(
        request,
        "training/outbox.html",
        {
            "messages": messages,
            "page": Page(number, size, total),
            "delivering": bool(notice_settings().smtp.host),
            "max_attempts": MAX_ATTEMPTS,
        },
    )


async def _message(request: Request) -> OutboxMessage:
    require_role(request, Role.ADMIN)
    message = await OutboxMessage.get_or_none(id=request.path_params["message_id"])
    if message is None:
        raise HTTPException(404)
    return await _rendered(message)


async def outbox_message(request: Request) -> Response:
    message = await _message(request)
    return render(
        request,
        "training/outbox_message.html",
        {"message": message, "max_attempts": MAX_ATTEMPTS},
    )


async def outbox_message_html(request: Request) -> Response:
    message = await _message(request)
    return HTMLResponse(
        message.body_html,
        headers={"Content-Security-Policy": EMAIL_POLICY, "Cache-Control": "no-store"},
    )


routes = [
    Route("/admin/outbox", outbox, name="training:outbox"),
    Route("/admin/outbox/{message_id:int}", outbox_message, name="training:outbox_message"),
    Route(
        "/admin/outbox/{message_id:int}/html",
        outbox_message_html,
        name="training:outbox_message_html",
    ),
]
