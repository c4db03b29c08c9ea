"""`amane certificates` sub-commands: check a downloaded credential file."""

from __future__ import annotations

import argparse
from pathlib import Path

from tortoise import Tortoise

from certificates import issuer
from certificates.credentials import check_credential
from training.auth import now
from training.cli import CommandError, open_database


async def cmd_certificates_verify(args, settings) -> None:
    file = Path(args.file)
    if not file.is_file():
        raise CommandError(f"{args.file}: no such file")
    token = file.read_text(encoding="utf-8", errors="replace")
    signer = issuer.configure(settings.public_url, settings.data_dir)
    await open_database(settings)
    try:
        check = await check_credential(token, signer, now())
    finally:
        await Tortoise.close_connections()
    for item in check.checks:
        print(f"{'ok ' if item.passed else 'BAD'}  {item.name}: {item.detail}")
    if check.certificate is not None and check.valid:
        print(f"     {check.certificate.holder_name} — {check.certificate.course_title.get('fr')}")
    if not check.valid:
        raise CommandError(f"{args.file}: this credential does not verify")
    print(f"{args.file}: valid credential")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("certificates", help="issued certificates")
    certificate_commands = parser.add_subparsers(required=True, metavar="COMMAND")
    verify = certificate_commands.add_parser(
        "verify",
        help="check a credential file (.jwt): signature, issuer, expiry, revocation status",
    )
    verify.add_argument("file")
    verify.set_defaults(run=cmd_certificates_verify)
