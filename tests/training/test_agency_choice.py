"""Agency fields: a list for a small scope; for a large one a field taking a code or a name,
with suggestions from the asker's own scope."""

from __future__ import annotations

import re
from datetime import date

import pytest

from certificates.models import AgencyCertification
from courses.models import Cohort
from tests.conftest import add_staff, shown
from tests.courses.assigning import course_with_modules
from training import agency_choice
from training.agencies import AgencyFields, save_agency, typed_agency
from training.auth import now
from training.models import Agency, Staff


@pytest.fixture
async def named(world):
    """Agencies with real names: a directorate of each ministry bears the same one."""
    for code, name, parent in [
        ("MIN1-DRH", "Direction des ressources humaines", "MIN1"),
        ("MIN2-DRH", "Direction des ressources humaines", "MIN2"),
        ("MIN1-EDU", "Éducation et formation", "MIN1"),
        ("MIN1-NORD", "Direction régionale (Nord)", "MIN1"),
    ]:
        await save_agency(
            AgencyFields(code, name, "directorate", name_en=f"{name} (en)", parent_code=parent),
            actor=None,
        )
    await add_staff("L-EDU", await _agency("MIN1-EDU"), full_name="Salma Idrissi")
    return world


async def _agency(code: str) -> Agency:
    return await Agency.get(code=code)


@pytest.fixture
def large_scopes(monkeypatch):
    """Every scope of more than three agencies is a field rather than a list."""
    monkeypatch.setattr(agency_choice, "LISTED_AT_MOST", 3)


def _field(page: str, name: str) -> str:
    match = re.search(rf'<(select|input) id="{name}"[^>]*>', page)
    assert match, f"no field {name}"
    return match.group(0)


async def test_a_small_scope_is_a_list(client, named):
    await client.login(named.hr_dir_a.email)
    page = (await client.get("/staff")).text
    assert _field(page, "agency").startswith("<select")
    assert '<option value="MIN1-A">· Agence MIN1-A (MIN1-A)</option>' in page
    assert "MIN1-B" not in page


async def test_a_large_scope_is_a_field_with_suggestions(client, named, large_scopes):
    await client.login(named.admin.email)
    page = (await client.get("/staff")).text
    field = _field(page, "agency")
    assert field.startswith("<input") and 'data-agency-suggestions="/agencies/suggestions"' in field
    assert "<option" not in page.split('id="agency"')[1].split("</form>")[0]
    assert "Son code ou son nom" in shown(await client.get("/staff"))


async def test_suggestions_by_code_and_by_name_any_case_or_accent(client, named):
    await client.login(named.admin.email)
    by_code = (await client.get("/agencies/suggestions", params={"q": "min1-e"})).json()
    # Codes that start with what was typed come first.
    assert [s["code"] for s in by_code] == ["MIN1-EDU", "MIN1-EST"]
    by_name = (await client.get("/agencies/suggestions", params={"q": "EDUCATION"})).json()
    assert by_name == [
        {
            "code": "MIN1-EDU",
            "label": "Éducation et formation (MIN1-EDU)",
            "parent": "Agence MIN1",
        }
    ]
    shared = (await client.get("/agencies/suggestions", params={"q": "ressources"})).json()
    assert [(s["code"], s["parent"]) for s in shared] == [
        ("MIN1-DRH", "Agence MIN1"),
        ("MIN2-DRH", "Agence MIN2"),
    ]
    assert (await client.get("/agencies/suggestions", params={"q": ""})).json() == []


async def test_suggestions_speak_the_asker_s_language(client, named):
    await Staff.filter(id=named.admin.id).update(language="en")
    await client.login(named.admin.email)
    found = (await client.get("/agencies/suggestions", params={"q": "education"})).json()
    assert found[0]["label"] == "Éducation et formation (en) (MIN1-EDU)"


async def test_an_officer_is_suggested_only_their_own_agencies(client, named):
    await client.login(named.hr_min2.email)
    found = (await client.get("/agencies/suggestions", params={"q": "ressources"})).json()
    assert [s["code"] for s in found] == ["MIN2-DRH"]
    assert (await client.get("/agencies/suggestions", params={"q": "MIN1"})).json() == []


async def test_suggestions_are_for_readers_only(client, named):
    anonymous = await client.get("/agencies/suggestions", params={"q": "min"})
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    await client.login(named.learner_a.email)
    learner = await client.get("/agencies/suggestions", params={"q": "min"})
    assert learner.status_code == 403
    await client.submit("/logout")
    await client.login(named.reporter.email)
    reporter = await client.get("/agencies/suggestions", params={"q": "ressources"})
    assert [s["code"] for s in reporter.json()] == ["MIN1-DRH", "MIN2-DRH"]


async def test_a_name_with_parentheses_is_still_a_name(named):
    for typed in ("Direction régionale (Nord)", "Direction régionale (Nord) (MIN1-NORD)"):
        found = await typed_agency(named.hr_min1, typed)
        assert found is not None and found.code == "MIN1-NORD"
    assert await typed_agency(named.hr_min1, "Agence (MIN2)") is None
    assert await typed_agency(named.hr_min1, "x" * 300) is None


@pytest.mark.parametrize(
    "typed", ["MIN1-EDU", "min1-edu", "Éducation et formation (MIN1-EDU)", "education et formation"]
)
async def test_the_staff_list_narrows_to_an_agency_typed_as_code_or_name(
    client, named, large_scopes, typed
):
    await client.login(named.admin.email)
    page = shown(await client.get("/staff", params={"agency": typed}))
    assert "Salma Idrissi" in page and "Agent L-A" not in page
    assert 'value="Éducation et formation (MIN1-EDU)"' in page
    export = await client.get("/staff/export", params={"agency": typed, "format": "csv"})
    assert "L-EDU" in export.text and "L-A," not in export.text


async def test_the_staff_list_says_when_no_agency_answers_to_what_was_typed(
    client, named, large_scopes
):
    await client.login(named.admin.email)
    for typed in ("Direction des ressources humaines", "Nulle part"):
        response = await client.get("/staff", params={"agency": typed})
        page = shown(response)
        assert (
            f"Aucune administration de votre périmètre n'a ce code ou ce nom : « {typed} »" in page
        )
        assert "0 agent" in page
        assert 'aria-invalid="true"' in _field(response.text, "agency")


async def test_a_new_person_s_agency_is_typed_by_name(client, named, large_scopes):
    await client.login(named.hr_min1.email)
    person = {
        "registration_number": "N-1",
        "full_name": "Nouvel Agent",
        "email": "n1@example.org",
        "job_title": "",
        "language": "fr",
        "role": "learner",
    }
    ambiguous = await client.submit(
        "/staff/new", {**person, "agency_code": "direction des ressources humaines"}
    )
    # HR of MIN1: only MIN1's directorate of that name is theirs.
    assert ambiguous.status_code == 200
    created = await Staff.get(registration_number="N-1").prefetch_related("agency")
    assert created.agency.code == "MIN1-DRH"

    refused = await client.submit(
        "/staff/new", {**person, "registration_number": "N-2", "agency_code": "Agence MIN2"}
    )
    assert refused.status_code == 400
    page = shown(refused)
    assert (
        "« AGENCE MIN2 » ne désigne aucune administration de votre périmètre, ou en désigne "
        "plusieurs : saisissez son code ou choisissez-la parmi les suggestions"
    ) in page
    assert 'aria-invalid="true"' in _field(refused.text, "agency_code")
    assert not await Staff.filter(registration_number="N-2").exists()


async def test_a_name_two_agencies_bear_is_refused(client, named, large_scopes):
    await client.login(named.admin.email)
    refused = await client.submit(
        "/staff/new",
        {
            "registration_number": "N-3",
            "full_name": "Agent Ambigu",
            "email": "n3@example.org",
            "agency_code": "Direction des ressources humaines",
            "job_title": "",
            "language": "fr",
            "role": "learner",
        },
    )
    assert refused.status_code == 400
    assert "ou en désigne plusieurs" in shown(refused)
    # What was typed stays in the field, to be made precise.
    assert 'value="Direction des ressources humaines"' in _field(refused.text, "agency_code")


async def test_course_forms_take_an_agency_by_name(client, named, large_scopes):
    course = await course_with_modules("cohorte-par-nom", 1)
    await client.login(named.admin.email)
    form = await client.get("/cohorts/new")
    assert _field(form.text, "agency_code").startswith("<input")
    made = await client.submit(
        "/cohorts/new",
        {
            "name": "Cohorte de l'éducation",
            "course_id": str(course.id),
            "agency_code": "Éducation et formation (MIN1-EDU)",
            "starts_on": "2030-01-07",
            "trainer": "",
        },
    )
    assert made.status_code == 303
    cohort = await Cohort.get(name="Cohorte de l'éducation").prefetch_related("agency")
    assert cohort.agency.code == "MIN1-EDU"


async def test_a_register_filter_takes_an_agency_by_name(client, named, large_scopes):
    for code, number in [("MIN1-EDU", "ISMS-EDU"), ("MIN1-A", "ISMS-A")]:
        await AgencyCertification.create(
            agency=await _agency(code),
            standard="iso27001",
            certifying_body="Bureau Veritas",
            certificate_number=number,
            issued_on=date(2025, 1, 6),
            declared_at=now(),
        )
    await client.login(named.reporter.email)
    page = await client.get("/registers/agencies", params={"agency": "éducation et formation"})
    assert page.status_code == 200
    assert "ISMS-EDU" in page.text and "ISMS-A" not in page.text
    assert 'value="Éducation et formation (MIN1-EDU)"' in _field(page.text, "agency")
    # A value longer than any code names no agency: the filter lists nothing.
    long = await client.get("/registers/agencies", params={"agency": "x" * 40})
    assert long.status_code == 200 and "ISMS-" not in long.text
