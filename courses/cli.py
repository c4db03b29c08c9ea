"""`amane content` sub-commands: check and load content packs."""

from __future__ import annotations

import argparse
from pathlib import Path

from tortoise import Tortoise
from tqdm import tqdm

from courses import packs
from training.cli import CommandError, open_database

STAGE_LABELS = {"checking": "Checking", "loading": "Loading"}


def _root(args, settings) -> Path:
    """The folder to read, shown relative to where the operator is when it can be."""
    root = Path(args.dir) if args.dir else settings.content_dir
    if root.is_absolute() and root.is_relative_to(Path.cwd()):
        root = root.relative_to(Path.cwd())
    if not root.is_dir():
        raise CommandError(f"{root}: no such directory")
    return root


class _ProgressBars:
    """One tqdm bar per stage of a load; silent when the output is not a terminal."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.bars:
            self.bars[stage] = tqdm(
                total=total, unit="pack", desc=STAGE_LABELS.get(stage, stage), disable=None
            )
        bar = self.bars[stage]
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


async def cmd_content_check(args, settings) -> None:
    root = _root(args, settings)
    await open_database(settings)
    try:
        found, problems = await packs.check_packs(root)
    finally:
        await Tortoise.close_connections()
    for problem in problems:
        print(f"{root / problem.path}:{problem.line}: {problem.message}")
    if problems:
        raise CommandError(f"{root}: {len(problems)} problem(s)")
    print(f"{len(found)} packs OK")


async def cmd_content_load(args, settings) -> None:
    root = _root(args, settings)
    await open_database(settings)
    bars = _ProgressBars()
    try:
        outcomes = await packs.load_packs(root, ip="cli", progress=bars)
    except packs.PackRejected as exc:
        lines = [f"{root}: rejected, nothing was written ({len(exc.problems)} problem(s))"]
        lines += [f"  {root / p.path}:{p.line}: {p.message}" for p in exc.problems]
        raise CommandError("\n".join(lines)) from None
    finally:
        bars.close()
        await Tortoise.close_connections()
    for outcome in outcomes:
        if outcome.result == packs.LoadResult.NEW_VERSION:
            moved = f"; {outcome.moved} not yet started moved to it" if outcome.moved else ""
            print(f"{outcome.slug}: new version {outcome.number} ({outcome.label}){moved}")
        else:
            what = outcome.result.value
            print(f"{outcome.slug}: {what} (version {outcome.number}, {outcome.label})")


def register(commands: argparse._SubParsersAction) -> None:
    content_parser = commands.add_parser("content", help="course content packs")
    content_commands = content_parser.add_subparsers(required=True, metavar="COMMAND")
    check = content_commands.add_parser(
        "check", help="validate packs and list every problem with its file and line"
    )
    check.add_argument("dir", nargs="?", help="a folder of packs, or one pack (default: content/)")
    check.set_defaults(run=cmd_content_check)
    load = content_commands.add_parser(
        "load", help="load packs, all or nothing; a changed pack becomes a new version"
    )
    load.add_argument("dir", nargs="?", help="a folder of packs, or one pack (default: content/)")
    load.set_defaults(run=cmd_content_load)
