"""The full GCI 2014 self-assessment: 13 declared indicators, capacity building from the
records, five pillar scores and the index; validation; who may record."""

from datetime import date

import pytest

from certificates.models import AgencyCertification, ProfessionalCertification, ReviewStatus
from reports import assessment
from reports.models import GciIndicatorRecord, StandardsProgramme
from tests.conftest import shown
from tests.reports.conftest import at
from training.models import AuditEvent

URL = "/reports/gci/assessment?year=2025"
# Morocco 2014 without capacity building (which comes from the records: 1, 1, 1, 1).
DECLARED = {
    "1.1": 1, "1.2": 1, "2.1": 2, "2.2": 1, "2.3": 1, "3.1": 2, "3.2": 2, "3.3": 1, "3.4": 1,
    "5.1": 1, "5.2": 1, "5.3": 1, "5.4": 0,
}  # fmt: skip


def form(points: dict[str, int] = DECLARED, **changes: str) -> dict[str, str]:
    data = {}
    for code, value in points.items():
        data[f"points_{code}"] = str(value)
        data[f"evidence_{code}"] = f"Preuve {code}" if value else ""
        data[f"links_{code}"] = "https://www.dgssi.gov.ma/\n" if value else ""
    return data | changes


@pytest.fixture
async def records(world, year):
    """One of each record for 2025: every capacity-building indicator earns 1 point."""
    await StandardsProgramme.create(
        title="Normes", starts_on=date(2025, 2, 1), evidence="décret", recorded_at=at(2)
    )
    await ProfessionalCertification.create(
        staff=year["people"][0], scheme="CISSP", issuer="ISC2", credential_id="1",
        obtained_on=date(2025, 3, 1), status=ReviewStatus.VERIFIED, declared_at=at(3),
        reviewed_at=at(3, 20),
    )  # fmt: skip
    await AgencyCertification.create(
        agency=world.dir_a, standard="ISO27001", certifying_body="Bureau", certificate_number="7",
        issued_on=date(2025, 3, 1), status=ReviewStatus.VERIFIED, declared_at=at(3),
        reviewed_at=at(3, 20),
    )  # fmt: skip
    return year


async def test_morocco_2014_through_the_page(client, world, records):
    await client.login(world.admin.email)
    # 1 trained of the active staff is under 10 %: a 5 % threshold gives 4.2 its point.
    thresholds = {
        "programmes_partial": "1", "programmes_full": "2", "coverage_partial": "5",
        "coverage_full": "50", "professionals_partial": "1", "professionals_full": "50",
        "agencies_partial": "1", "agencies_full": "5",
    }  # fmt: skip
    assert (await client.submit("/reports/gci/thresholds", thresholds)).status_code == 303
    await client.get("/logout")
    await client.login(world.reporter.email)
    before = shown(await client.get(URL))
    assert "13 indicateurs déclarés" in before and "/ 34" not in before
    response = await client.submit(URL, form())
    assert response.status_code == 303
    page = shown(await client.get(response.headers["location"]))
    for expected in ("2 / 4", "0,5000", "4 / 6", "0,6667", "6 / 8", "0,7500", "4 / 8", "3 / 8",
                     "0,3750", "19 / 34", "0,5588", "Législation pénale",
                     "Coopération internationale", "Preuve 3.1"):  # fmt: skip
        assert expected in page, expected
    assert page.count("1 / 2") == 4  # capacity building, from the records
    event = await AuditEvent.get(action="gci.assessment.recorded")
    assert event.target == "GCI 2014 2025" and "2.1=2" in event.detail


async def test_years_are_kept_apart_and_rewritten(client, world, records):
    await client.login(world.reporter.email)
    await client.submit(URL, form())
    refused = await client.submit(URL, form(DECLARED | {"5.4": 2}) | {"evidence_5.4": ""})
    assert refused.status_code == 400
    assert await GciIndicatorRecord.filter(year=2025).count() == 13
    assert (await GciIndicatorRecord.get(year=2025, code="5.4")).points == 0
    await client.submit(URL, form(DECLARED | {"5.4": 2}) | {"evidence_5.4": "Accord"})
    assert (await GciIndicatorRecord.get(year=2025, code="5.4")).points == 2
    assert await GciIndicatorRecord.filter(year=2024).count() == 0
    other = shown(await client.get("/reports/gci/assessment?year=2024"))
    assert "/ 34" not in other


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"points_1.1": "3"}, "1.1 Législation pénale : les points doivent valoir 0, 1 ou 2"),
        ({"points_2.2": ""}, "2.2 Normes : les points doivent valoir 0, 1 ou 2"),
        ({"evidence_3.3": " "}, "3.3 Organisme responsable : une preuve est obligatoire"),
        ({"links_5.1": "www.example.org"}, "5.1 Coopération entre États : lien invalide"),
    ],
)
async def test_invalid_input_names_the_indicator_and_writes_nothing(
    client, world, year, changes, message
):
    await client.login(world.reporter.email)
    response = await client.submit(URL, form() | changes)
    assert response.status_code == 400 and message in shown(response)
    assert await GciIndicatorRecord.all().count() == 0
    with pytest.raises(assessment.AssessmentError) as error:
        assessment.parse_entries(form() | changes)
    assert next(iter(changes)).split("_")[1] in error.value.problems


async def test_bad_year(client, world):
    await client.login(world.reporter.email)
    assert (await client.get("/reports/gci/assessment?year=2013")).status_code == 400
    assert (await client.get("/reports/gci/assessment?year=abc")).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [("learner_a", 403), ("hr_min1", 403), ("hr_dir_a", 403), ("reporter", 200), ("admin", 200)],
)
async def test_who_records_the_assessment(client, world, who, status):
    await client.login(getattr(world, who).email)
    assert (await client.get(URL)).status_code == status
    posted = await client.submit(URL, form())
    assert posted.status_code == (303 if status == 200 else 403)
    assert await GciIndicatorRecord.all().count() == (13 if status == 200 else 0)
