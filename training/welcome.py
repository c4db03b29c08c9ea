"""The first email of a new account: the link to choose a password."""

from __future__ import annotations

from training.auth import now
from training.events import NewAccount
from training.notifications import Outgoing, enqueue
from training.routes import password_link
from training.staff import PASSWORD_LINK_DAYS


async def email_password_links(accounts: list[NewAccount]) -> None:
    """Subscriber of staff_created: the link is sent once and wiped from the outbox once sent."""
    today = now().date()
    await enqueue(
        [
            Outgoing(
                staff=account.staff,
                event="account.password_link",
                on=today,
                template="password_link",
                context={
                    "link": password_link(account.password_token),
                    "days": PASSWORD_LINK_DAYS,
                },
                sensitive=True,
            )
            for account in accounts
            if account.staff.is_active
        ]
    )
