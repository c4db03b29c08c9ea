"""The `amane` command line: migrations, imports and the demo seed, as an operator runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server import Settings, create_app

ROOT = Path(__file__).resolve().parents[2]


PUBLIC_URL = "https://amane.example.gov"


def amane(tmp_path: Path, *args: str, database_url: str = "") -> subprocess.CompletedProcess:
    """The command as an operator runs it; without `database_url`, on the default database."""
    env = {
        **os.environ,
        "AMANE_DATA_DIR": str(tmp_path),
        "AMANE_SECRET_KEY": "cli-test",
        "AMANE_PUBLIC_URL": PUBLIC_URL,
    }
    env.pop("AMANE_DATABASE_URL", None)
    if database_url:
        env["AMANE_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-c", "import server; server.main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_unmigrated_database_is_refused_with_what_to_run(tmp_path, empty_database_url):
    settings = Settings(
        database_url=empty_database_url,
        secret_key="x",
        data_dir=tmp_path,
        password_hashing="fast",
    )
    app = create_app(settings)
    with pytest.raises(RuntimeError, match="run `amane migrate`"):
        async with app.router.lifespan_context(app):
            pass


def test_operator_flow(tmp_path, empty_database_url):
    def amane_cli(*args: str) -> subprocess.CompletedProcess:
        return amane(tmp_path, *args, database_url=empty_database_url)

    refused = amane_cli("demo", "seed")
    assert refused.returncode == 1 and "run `amane migrate`" in refused.stderr

    assert "Applied" in amane_cli("migrate").stdout
    assert "up to date" in amane_cli("migrate").stdout

    seeded = amane_cli("demo", "seed")
    assert seeded.returncode == 0 and "admin@amane.test" in seeded.stdout
    assert "already present" in amane_cli("demo", "seed").stdout

    tree = tmp_path / "tree.csv"
    tree.write_text("code;name_fr;kind;parent_code\nMEF-DI;Direction des Impôts;directorate;MEF\n")
    imported = amane_cli("agencies", "import", str(tree))
    assert imported.returncode == 0, imported.stderr
    assert "1 created, 0 updated, 0 unchanged" in imported.stdout

    staff = tmp_path / "staff.csv"
    staff.write_text(
        "registration_number,full_name,email,agency_code,job_title,language\n"
        "DI-1,Mehdi Fassi,mehdi.fassi@example.org,MEF-DI,Inspecteur,fr\n"
    )
    first = amane_cli("staff", "import", str(staff))
    assert first.returncode == 0, first.stderr
    assert "1 created" in first.stdout and f"{PUBLIC_URL}/password/set/" in first.stdout
    assert "0 created, 0 updated, 1 unchanged" in amane_cli("staff", "import", str(staff)).stdout

    staff.write_text(
        "registration_number,full_name,email,agency_code,job_title,language\n"
        "DI-2,Sans Adresse,,MEF-DI,,fr\n"
    )
    bad = amane_cli("staff", "import", str(staff))
    assert bad.returncode == 1
    assert "rejected, nothing was written" in bad.stderr
    assert "ligne 2, colonne email" in bad.stderr

    missing = amane_cli("staff", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_migrate_creates_a_missing_data_folder(tmp_path):
    fresh = tmp_path / "not" / "yet"
    result = amane(fresh, "migrate")
    assert result.returncode == 0 and "Applied" in result.stdout
    assert (fresh / "amane.sqlite3").exists()
