"""What RESULTS.md says of the machine and environment a run measured."""

from importlib import metadata

from bench import machine


def test_a_run_names_the_versions_of_the_packages_its_speed_depends_on():
    described = machine.describe()
    assert f"starlette {metadata.version('starlette')}" in described["packages"]
    assert f"tortoise-orm {metadata.version('tortoise-orm')}" in described["packages"]
    assert described["cores"].isdigit() and described["SQLite"].count(".") == 2
