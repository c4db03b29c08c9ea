"""`amane reports` sub-commands: count again the stored dashboards of large scopes (cron)."""

from __future__ import annotations

import argparse

from tortoise import Tortoise

from reports import stored
from training.cli import open_database


async def cmd_reports_refresh(args, settings) -> None:
    await open_database(settings)
    try:
        counted = await stored.refresh()
    finally:
        await Tortoise.close_connections()
    print(f"{counted} dashboard(s) counted again")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("reports", help="reports and dashboards")
    report_commands = parser.add_subparsers(required=True, metavar="COMMAND")
    report_commands.add_parser(
        "refresh",
        help="count again the stored dashboards viewed lately (run from cron, or set "
        "AMANE_REPORTS_REFRESH_MINUTES to run it in the app)",
    ).set_defaults(run=cmd_reports_refresh)
