"""GCI 2014 scoring: the Morocco example, the rules at each threshold, the API."""

import pytest

from reports import gci

MOROCCO = {"1": [1, 1], "2": [2, 1, 1], "3": [2, 2, 1, 1], "4": [1, 1, 1, 1], "5": [1, 1, 1, 0]}


def points(by_pillar) -> dict[str, int]:
    return {f"{p}.{n}": v for p, values in by_pillar.items() for n, v in enumerate(values, 1)}


def test_morocco_2014():
    result = gci.score(points(MOROCCO))
    assert result["pillars"] == {"1": 0.5, "2": 0.6667, "3": 0.75, "4": 0.5, "5": 0.375}
    assert result["points"] == 19 and result["index"] == 0.5588


@pytest.mark.parametrize(("bad", "value"), [("3.2", None), ("5.4", 3), ("1.1", -1), ("2.2", 1.5)])
def test_invalid_points_name_the_indicator(bad, value):
    given = points(MOROCCO)
    if value is None:
        del given[bad]
    else:
        given[bad] = value
    with pytest.raises(gci.ScoreError) as error:
        gci.score(given)
    assert error.value.indicator == bad


T = gci.Thresholds()


@pytest.mark.parametrize(
    ("rule", "args", "expected"),
    [
        (gci.programmes_points, (0,), 0),
        (gci.programmes_points, (1,), 1),
        (gci.programmes_points, (2,), 2),
        (gci.manpower_points, (0, 0.09), 0),
        (gci.manpower_points, (0, 0.10), 1),
        (gci.manpower_points, (1, 0.0), 1),
        (gci.manpower_points, (1, 0.49), 1),
        (gci.manpower_points, (1, 0.50), 2),
        (gci.manpower_points, (0, 0.9), 1),
        (gci.professionals_points, (0,), 0),
        (gci.professionals_points, (1,), 1),
        (gci.professionals_points, (49,), 1),
        (gci.professionals_points, (50,), 2),
        (gci.agencies_points, (0,), 0),
        (gci.agencies_points, (4,), 1),
        (gci.agencies_points, (5,), 2),
    ],
)
def test_rules_at_each_threshold(rule, args, expected):
    assert rule(*args, T)[0] == expected


async def test_score_api(client, world):
    await client.login(world.reporter.email)
    token = await client.ensure_csrf()
    headers = {"X-CSRF-Token": token}
    ok = await client.post("/api/v1/gci/2014/score", json=points(MOROCCO), headers=headers)
    assert ok.status_code == 200 and ok.json()["index"] == 0.5588
    bad = await client.post("/api/v1/gci/2014/score", json={"1.1": 1}, headers=headers)
    assert bad.status_code == 422 and bad.json()["indicator"] == "1.2"
