"""`amane` sub-commands of the training package: migrate, imports, demo seed."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from tortoise import Tortoise
from tqdm import tqdm

from training import agencies, database, demo, events, importing, notifications
from training.routes import password_link
from training.tabular import TableError, read_table


class CommandError(Exception):
    """One clear line for the operator; the command exits non-zero."""


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file")
    return file.read_bytes()


async def open_database(settings) -> None:
    await Tortoise.init(config=database.tortoise_config(settings.database_url))
    try:
        await database.ensure_migrated()
    except database.NotMigratedError as exc:
        await Tortoise.close_connections()
        raise CommandError(str(exc)) from None


async def cmd_migrate(args, settings) -> None:
    applied = await database.migrate(settings.database_url, progress=None)
    print(f"Applied {len(applied)} migration(s)." if applied else "Database is up to date.")


async def cmd_agencies_import(args, settings) -> None:
    data = _read(args.file)
    await open_database(settings)
    try:
        rows = read_table(args.file, data, agencies.AGENCY_COLUMNS, agencies.AGENCY_OPTIONAL)
        counts = await agencies.import_agencies(rows, actor=None, ip="cli")
    except TableError as exc:
        raise CommandError(f"{args.file}: {exc}") from None
    except agencies.AgencyError as exc:
        raise CommandError(_problem_lines(args.file, exc.problems)) from None
    finally:
        await Tortoise.close_connections()
    print(
        f"{args.file}: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged."
    )


async def cmd_staff_import(args, settings) -> None:
    data = _read(args.file)
    await open_database(settings)
    try:
        rows = importing.read_staff_file(args.file, data)
        with tqdm(total=len(rows), unit="row", desc="Importing", disable=len(rows) < 1000) as bar:
            report = await importing.import_staff(
                rows,
                actor=None,
                ip="cli",
                filename=Path(args.file).name,
                progress=lambda done: bar.update(done - bar.n),
            )
    except importing.ImportRejected as exc:
        raise CommandError(_problem_lines(args.file, exc.problems)) from None
    finally:
        await Tortoise.close_connections()
    print(
        f"{args.file}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged."
    )
    if report.deactivated or report.reactivated:
        print(f"Of them: {report.deactivated} deactivated, {report.reactivated} reactivated.")
    if report.password_links:
        print("Password-set links for the new accounts (also sent by email, valid 7 days):")
        for staff, token in report.password_links:
            print(f"  {staff.registration_number}\t{staff.email}\t{password_link(token)}")


async def cmd_demo_seed(args, settings) -> None:
    await open_database(settings)
    try:
        created = await demo.seed_demo()
        await events.demo_seeded.announce(date.today())
    finally:
        await Tortoise.close_connections()
    print("Demo agencies and accounts created." if created else "Demo data already present.")
    print(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for email, label in demo.demo_logins():
        print(f"  {email:28} {label}")


async def cmd_demo_generate(args, settings) -> None:
    # The generator lives with the benchmarks (bench/), outside the domain packages.
    from bench.generate import GenerateError, options_from, run_command

    try:
        options = options_from(args)
        await open_database(settings)
        try:
            print(await run_command(options))
        finally:
            await Tortoise.close_connections()
    except GenerateError as exc:
        raise CommandError(str(exc)) from None


async def cmd_notifications_send(args, settings) -> None:
    await open_database(settings)
    try:
        report = await notifications.run_notifications()
    finally:
        await Tortoise.close_connections()
    print(f"{report.queued} email(s) queued, {report.sent} sent, {report.failed} failed.")
    if not report.delivering:
        print(
            f"AMANE_SMTP_HOST is not set: {report.waiting} email(s) kept in the outbox "
            "(read them on /admin/outbox)."
        )
    elif report.waiting:
        print(f"{report.waiting} email(s) waiting for a retry.")


def _problem_lines(path: str, problems) -> str:
    lines = [f"{path}: rejected, nothing was written ({len(problems)} problem(s))"]
    lines += [f"  {problem}" for problem in problems]
    return "\n".join(lines)


def register(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)

    agencies_parser = commands.add_parser("agencies", help="the agency tree")
    agency_commands = agencies_parser.add_subparsers(required=True, metavar="COMMAND")
    agency_import = agency_commands.add_parser(
        "import", help="create or update agencies from CSV/XLSX"
    )
    agency_import.add_argument("file")
    agency_import.set_defaults(run=cmd_agencies_import)

    staff_parser = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff_parser.add_subparsers(required=True, metavar="COMMAND")
    staff_import = staff_commands.add_parser("import", help="create or update staff from CSV/XLSX")
    staff_import.add_argument("file")
    staff_import.set_defaults(run=cmd_staff_import)

    demo_parser = commands.add_parser("demo", help="demo data")
    demo_commands = demo_parser.add_subparsers(required=True, metavar="COMMAND")
    demo_commands.add_parser(
        "seed", help="create demo agencies and logins (first run only)"
    ).set_defaults(run=cmd_demo_seed)
    demo_generate = demo_commands.add_parser(
        "generate", help="generate a national-scale data set (agencies, staff, years of learning)"
    )
    from bench.generate import add_arguments as add_generate_arguments

    add_generate_arguments(demo_generate)
    demo_generate.set_defaults(run=cmd_demo_generate)

    notifications_parser = commands.add_parser("notifications", help="emails")
    notification_commands = notifications_parser.add_subparsers(required=True, metavar="COMMAND")
    notification_commands.add_parser(
        "send", help="queue the emails due today, then send the outbox (run it from cron)"
    ).set_defaults(run=cmd_notifications_send)
