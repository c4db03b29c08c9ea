"""The first email of a new account: the link to choose a password."""

from __future__ import annotations

from training.auth import now
from training.events import NewAccount
from training.notifications import Outgoing, absolute_url, enqueue
from training.routes import routes
from training.routing import NamedRouter
from training.staff import PASSWORD_LINK_DAYS

# Links are built outside a request (an import queues 100,000); routes are found by name.
_paths = NamedRouter(routes=routes)
_TOKEN = "{token}"  # a token has no braces: it is made of URL-safe base64


async def email_password_links(accounts: list[NewAccount]) -> None:
    """Subscriber of staff_created: the link is sent once and wiped from the outbox once sent."""
    today = now().date()
    # The router makes the link once, each account's token goes into it: made for each of an
    # import's 100,000 accounts, the links held up the other subscribers for 1.4 s.
    link = absolute_url(_paths.url_path_for("training:set_password", token=_TOKEN))
    await enqueue(
        [
            Outgoing(
                staff=account.staff,
                event="account.password_link",
                on=today,
                template="password_link",
                context={
                    "link": link.replace(_TOKEN, account.password_token),
                    "days": PASSWORD_LINK_DAYS,
                },
                sensitive=True,
            )
            for account in accounts
            if account.staff.is_active
        ]
    )
