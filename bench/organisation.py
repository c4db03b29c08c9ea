"""The agency tree and the staff of a national administration, as plain rows (no database)."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench import names
from training.models import AgencyKind, Role

# Shares of the agencies by kind at national scale (30 / 100 / 270 / 1,600 out of 2,000).
MINISTRY_SHARE = 0.015
DIRECTORATE_SHARE = 0.05
ESTABLISHMENT_SHARE = 0.135
REGION_SHARE = 0.0075  # of the territorial authorities
PROVINCE_SHARE = 0.047
# Where the staff work: ministries' own services hold most of them.
STAFF_SHARES = {
    "ministry": 0.62,
    "directorate": 0.08,
    "establishment": 0.15,
    "region": 0.02,
    "province": 0.05,
    "commune": 0.08,
}
STAFF_PER_EXTRA_HR = 5_000
STAFF_PER_REPORTER = 30_000
ADMINS = 2
YEARLY_LEAVING = 0.035
INITIAL_IMPORT_SHARE = 0.85
LANGUAGES = (("fr", 70), ("ar", 25), ("en", 5))


@dataclass(slots=True)
class PlannedAgency:
    id: int
    code: str
    name_fr: str
    name_ar: str
    name_en: str
    kind: AgencyKind
    parent_id: int | None
    path: str
    group: str  # a key of STAFF_SHARES
    weight: float
    root_code: str  # the ministry it belongs to, for e-mail domains
    headcount: int = 0


@dataclass(slots=True)
class PlannedStaff:
    id: int
    agency: PlannedAgency
    registration_number: str
    full_name: str
    email: str
    job_title: str
    is_it: bool
    role: Role
    language: str
    created_at: datetime
    deactivated_at: datetime | None


class AgencyTree:
    """Builds agencies top-down so each one's path is its parent's path and its own id."""

    def __init__(self, first_id: int) -> None:
        self.agencies: list[PlannedAgency] = []
        self.next_id = first_id

    def add(self, code, names_, kind, parent, group, weight) -> PlannedAgency:
        name_fr, name_ar, name_en = names_
        path = f"{parent.path if parent else '/'}{self.next_id}/"
        agency = PlannedAgency(
            self.next_id,
            code,
            name_fr,
            name_ar,
            name_en,
            kind,
            parent.id if parent else None,
            path,
            group,
            weight,
            parent.root_code if parent else code,
        )
        self.agencies.append(agency)
        self.next_id += 1
        return agency


def agency_counts(total: int) -> dict[str, int]:
    """How many agencies of each kind make `total`, in national proportions."""
    ministries = min(len(names.MINISTRIES), max(2, round(total * MINISTRY_SHARE)))
    directorates = max(1, round(total * DIRECTORATE_SHARE))
    establishments = max(1, round(total * ESTABLISHMENT_SHARE))
    territorial = max(3, total - ministries - directorates - establishments)
    regions = min(len(names.REGIONS), max(1, round(territorial * REGION_SHARE)))
    provinces = max(1, round(territorial * PROVINCE_SHARE))
    return {
        "ministry": ministries,
        "directorate": directorates,
        "establishment": establishments,
        "region": regions,
        "province": provinces,
        "commune": max(1, territorial - regions - provinces),
    }


def plan_agencies(total: int, first_id: int, rng: random.Random) -> list[PlannedAgency]:
    counts = agency_counts(total)
    tree = AgencyTree(first_id)
    ministries = _ministries(tree, counts["ministry"])
    _directorates(tree, ministries, counts["directorate"])
    _establishments(tree, ministries, counts["establishment"], rng)
    interior = next((m for m in ministries if m.code == names.INTERIOR), ministries[0])
    regions = _regions(tree, interior, counts["region"])
    provinces = _provinces(tree, regions, counts["province"])
    _communes(tree, provinces, counts["commune"], rng)
    return tree.agencies


def _ministries(tree: AgencyTree, count: int) -> list[PlannedAgency]:
    ranked = sorted(names.MINISTRIES, key=lambda m: (m[0] != names.INTERIOR, -m[4], m[0]))
    chosen = sorted(ranked[:count], key=lambda m: m[0])
    return [
        tree.add(code, (fr, ar, en), AgencyKind.MINISTRY, None, "ministry", share)
        for code, fr, ar, en, share in chosen
    ]


def _directorates(tree: AgencyTree, ministries: list[PlannedAgency], count: int) -> None:
    by_size = sorted(ministries, key=lambda m: -m.weight)
    for n in range(min(count, len(ministries) * len(names.DIRECTORATES))):
        ministry = by_size[n % len(by_size)]
        suffix, fr, ar, en = names.DIRECTORATES[n // len(by_size)]
        tree.add(
            f"{ministry.code}-{suffix}",
            (fr, ar, en),
            AgencyKind.DIRECTORATE,
            ministry,
            "directorate",
            1.0,
        )


def _establishments(tree, ministries, count: int, rng: random.Random) -> None:
    weights = [m.weight for m in ministries]
    subjects = [
        (kind, subject)
        for kind in names.ESTABLISHMENT_KINDS
        for subject in names.ESTABLISHMENT_SUBJECTS
    ]
    for n in range(count):
        (kind_fr, kind_ar, kind_en), (sub_fr, sub_ar, sub_en) = subjects[n % len(subjects)]
        place_fr, place_ar = names.PLACES[(n // len(subjects)) % len(names.PLACES)]
        where = (
            (f" de {place_fr}", f" {place_ar}", f" of {place_fr}")
            if n >= len(subjects)
            else ("", "", "")
        )
        tree.add(
            f"EP-{n + 1:03d}",
            (
                f"{kind_fr} {sub_fr}{where[0]}",
                f"{kind_ar} {sub_ar}{where[1]}",
                f"{kind_en} {sub_en}{where[2]}",
            ),
            AgencyKind.PUBLIC_ESTABLISHMENT,
            rng.choices(ministries, weights)[0],
            "establishment",
            rng.paretovariate(1.5),
        )


def _regions(tree, interior, count: int) -> list[PlannedAgency]:
    return [
        tree.add(
            f"REG-{n + 1:02d}",
            (f"Région {fr}", f"جهة {ar}", f"{fr} Region"),
            AgencyKind.LOCAL_AUTHORITY,
            interior,
            "region",
            1.0,
        )
        for n, (fr, ar) in enumerate(names.REGIONS[:count])
    ]


def _provinces(tree, regions, count: int) -> list[PlannedAgency]:
    provinces = []
    for n in range(count):
        fr, ar = names.PLACES[n % len(names.PLACES)]
        body = (
            ("Province", "إقليم", "Province")
            if n < len(names.PLACES)
            else ("Préfecture", "عمالة", "Prefecture")
        )
        provinces.append(
            tree.add(
                f"PRV-{n + 1:03d}",
                (f"{body[0]} de {fr}", f"{body[1]} {ar}", f"{body[2]} of {fr}"),
                AgencyKind.LOCAL_AUTHORITY,
                regions[n % len(regions)],
                "province",
                1.0 + (n % 7) / 3,
            )
        )
    return provinces


def _communes(tree, provinces, count: int, rng: random.Random) -> None:
    for n in range(count):
        province = provinces[rng.randrange(len(provinces))]
        qualifier_fr, qualifier_ar = rng.choice(names.COMMUNE_QUALIFIERS)
        root_fr, root_ar = rng.choice(names.COMMUNE_ROOTS)
        place = province.name_en.split(" of ", 1)[1]
        tree.add(
            f"COM-{n + 1:04d}",
            (
                f"Commune {qualifier_fr}{root_fr} ({place})",
                f"جماعة {qualifier_ar}{root_ar}",
                f"{qualifier_fr}{root_fr} Commune ({place})",
            ),
            AgencyKind.LOCAL_AUTHORITY,
            province,
            "commune",
            rng.paretovariate(2.0),
        )


def _ascii(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(character for character in flat.lower() if character.isalnum())


def _email(first: str, last: str, serial: int, agency: PlannedAgency) -> str:
    """Unique through the serial; `.test` is reserved, so no message can reach a real person."""
    return f"{_ascii(first)}.{_ascii(last)}.{serial}@{agency.root_code.lower()}.national.test"


def staff_weights(agencies: list[PlannedAgency]) -> list[float]:
    """Each agency's expected share of the staff: its group's share split by weight."""
    totals: dict[str, float] = {}
    for agency in agencies:
        totals[agency.group] = totals.get(agency.group, 0.0) + agency.weight
    present = sum(STAFF_SHARES[group] for group in totals)
    return [STAFF_SHARES[a.group] / present * a.weight / totals[a.group] for a in agencies]


@dataclass(frozen=True)
class Timeline:
    launch: datetime  # the platform's first day: the initial staff import
    horizon: datetime  # the generated "today" at 00:00 UTC: nothing happens from then on

    def moment(self, rng: random.Random, start: datetime, stop: datetime) -> datetime:
        """A moment between start and stop, during office hours when the span allows it."""
        span = (stop - start).total_seconds()
        moment = start + timedelta(seconds=rng.random() * span)
        if span > 86_400:
            moment = moment.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60))
            moment = min(max(moment, start), stop - timedelta(seconds=1))
        return moment.replace(microsecond=rng.randrange(1_000_000))


def plan_staff(
    agencies: list[PlannedAgency], total: int, first_id: int, timeline: Timeline, rng: random.Random
) -> list[PlannedStaff]:
    """Officers first (HR in every agency, reporters, administrators), then the learners."""
    roles = _officer_roles(agencies, total)
    learners = max(0, total - len(roles))
    placed = rng.choices(agencies, staff_weights(agencies), k=learners)
    jobs = [title for title, _ in names.JOB_TITLES + names.IT_JOB_TITLES]
    job_weights = [weight for _, weight in names.JOB_TITLES + names.IT_JOB_TITLES]
    it_jobs = {title for title, _ in names.IT_JOB_TITLES}
    languages = [code for code, _ in LANGUAGES]
    language_weights = [weight for _, weight in LANGUAGES]
    staff = []
    for serial, (agency, role, job) in enumerate(
        roles + [(agency, Role.LEARNER, "") for agency in placed]
    ):
        job = job or rng.choices(jobs, job_weights)[0]
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        created = _joined(timeline, rng)
        left = None
        if role == Role.LEARNER and rng.random() < _leaving_chance(created, timeline):
            left = timeline.moment(rng, created + timedelta(days=30), timeline.horizon)
        staff.append(
            PlannedStaff(
                first_id + serial,
                agency,
                f"N{serial + 1:07d}",
                f"{first} {last}",
                _email(first, last, serial + 1, agency),
                job,
                job in it_jobs,
                role,
                rng.choices(languages, language_weights)[0],
                created,
                left,
            )
        )
        agency.headcount += left is None
    for agency in agencies:
        agency.headcount = round(agency.headcount * rng.uniform(1.0, 1.15))
    return staff


def _officer_roles(agencies: list[PlannedAgency], total: int) -> list[tuple]:
    roles = [(agency, Role.HR, names.HR_JOB_TITLE) for agency in agencies]
    biggest = sorted(agencies, key=lambda a: (-a.weight, a.id))
    extra_hr = total // STAFF_PER_EXTRA_HR
    roles += [(biggest[n % len(biggest)], Role.HR, names.HR_JOB_TITLE) for n in range(extra_hr)]
    ministries = [a for a in agencies if a.kind == AgencyKind.MINISTRY]
    reporters = max(1, total // STAFF_PER_REPORTER)
    roles += [
        (ministries[n % len(ministries)], Role.REPORTER, names.REPORTER_JOB_TITLE)
        for n in range(reporters)
    ]
    roles += [(ministries[0], Role.ADMIN, names.ADMIN_JOB_TITLE) for _ in range(ADMINS)]
    return roles[:total]


def _joined(timeline: Timeline, rng: random.Random) -> datetime:
    if rng.random() < INITIAL_IMPORT_SHARE:
        return timeline.moment(rng, timeline.launch, timeline.launch + timedelta(days=30))
    return timeline.moment(rng, timeline.launch, timeline.horizon)


def _leaving_chance(created: datetime, timeline: Timeline) -> float:
    return YEARLY_LEAVING * (timeline.horizon - created).days / 365
