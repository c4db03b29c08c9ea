"""`amane content check` and `amane content load`, run as an operator would, exit codes included."""

from __future__ import annotations

import pytest

import server
from tests.courses.packbuilder import edit, write_pack


@pytest.fixture
def amane(tmp_path, database_url, monkeypatch, capsys):
    """Runs the command line in-process on a migrated database; returns (exit code, out, err)."""
    monkeypatch.setenv("AMANE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AMANE_DATABASE_URL", database_url)
    monkeypatch.setenv("AMANE_SECRET_KEY", "cli-test")

    def run(*args: str) -> tuple[int, str, str]:
        try:
            server.main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_check_lists_every_problem_with_file_and_line(tmp_path, amane):
    root = tmp_path / "packs"
    write_pack(root, "demo")
    write_pack(root, "autre")
    assert amane("content", "check", str(root)) == (0, "2 packs OK\n", "")

    edit(root / "autre" / "course.yaml", "pass_mark: 80", "pass_mark: 0")
    edit(root / "demo" / "questions.yaml", "id: q-003", "id: q-001")
    code, out, err = amane("content", "check", str(root))
    assert code == 1
    assert out.splitlines() == [
        f"{root}/autre/course.yaml:11: pass_mark : un nombre entier entre 1 et 100 est attendu",
        f"{root}/demo/questions.yaml:21: identifiant en double « q-001 » (déjà ligne 1)",
    ]
    assert "2 problem(s)" in err


def test_load_is_all_or_nothing_then_a_no_op(tmp_path, amane):
    root = tmp_path / "packs"
    write_pack(root, "demo")
    write_pack(root, "autre")
    edit(root / "autre" / "guide.fr.md", "# Les bons réflexes", "# Les bons réflexes {{oops}}")
    code, _, err = amane("content", "load", str(root))
    assert code == 1 and "rejected, nothing was written (1 problem(s))" in err
    assert f"{root}/autre/guide.fr.md:1: espace réservé inconnu {{{{oops}}}}" in err

    edit(root / "autre" / "guide.fr.md", " {{oops}}", "")
    assert amane("content", "load", str(root)) == (
        0,
        "autre: created (version 1, 2026.1)\ndemo: created (version 1, 2026.1)\n",
        "",
    )
    code, out, _ = amane("content", "load", str(root))
    assert code == 0 and out.count("unchanged (version 1, 2026.1)") == 2

    edit(root / "demo" / "course.yaml", 'version: "2026.1"', 'version: "2026.2"')
    code, out, _ = amane("content", "load", str(root))
    assert "demo: new version 2 (2026.2)" in out and "autre: unchanged" in out


def test_a_missing_folder_is_one_clear_error(tmp_path, amane):
    code, _, err = amane("content", "check", str(tmp_path / "absent"))
    assert code == 1 and "no such directory" in err
