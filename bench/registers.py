"""Entries of the professional and agency certification registers, with a mix of statuses."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from bench.organisation import PlannedAgency, PlannedStaff, Timeline
from certificates.models import ReviewStatus
from certificates.schemes import AGENCY_STANDARDS, OTHER, PROFESSIONAL_SCHEMES
from training.models import AgencyKind, Role

PROFESSIONALS_PER_STAFF = 0.0025
IT_SHARE_OF_PROFESSIONALS = 0.8
CERTIFIED_AGENCY_SHARE = 0.04
STATUSES = ((ReviewStatus.VERIFIED, 65), (ReviewStatus.DECLARED, 25), (ReviewStatus.REJECTED, 10))
REJECTION_NOTE = "Justificatif illisible ou ne correspondant pas au titulaire"
CERTIFYING_BODIES = ("Bureau Veritas", "AFNOR Certification", "SGS", "TÜV Rheinland", "DQS")
VALID_YEARS = 3

PROFESSIONAL_COLUMNS = (
    "id",
    "staff_id",
    "scheme",
    "other_name",
    "issuer",
    "credential_id",
    "obtained_on",
    "expires_on",
    "status",
    "declared_at",
    "declared_by_id",
    "reviewed_at",
    "reviewed_by_id",
    "review_note",
)
AGENCY_COLUMNS = (
    "id",
    "agency_id",
    "standard",
    "other_name",
    "certifying_body",
    "scope",
    "certificate_number",
    "issued_on",
    "expires_on",
    "status",
    "declared_at",
    "declared_by_id",
    "reviewed_at",
    "reviewed_by_id",
    "review_note",
)


class Registers:
    def __init__(self, timeline: Timeline, writer, rng: random.Random, officers, admin_id):
        self.timeline = timeline
        self.writer = writer
        self.rng = rng
        self.officers = officers  # agency id -> its first HR officer
        self.admin_id = admin_id

    def professional(self, staff: list[PlannedStaff], first_id: int) -> list[tuple]:
        rng = self.rng
        count = max(1, round(len(staff) * PROFESSIONALS_PER_STAFF))
        it_staff = [p for p in staff if p.is_it and p.role == Role.LEARNER]
        others = [p for p in staff if not p.is_it and p.role == Role.LEARNER] or staff
        schemes = sorted(key for key in PROFESSIONAL_SCHEMES if key != OTHER)
        rows = []
        for n in range(count):
            pool = it_staff if it_staff and rng.random() < IT_SHARE_OF_PROFESSIONALS else others
            person = pool[rng.randrange(len(pool))]
            scheme = rng.choice(schemes)
            obtained = self._day_before(person.created_at, years=6)
            declarer = person.id if rng.random() < 0.5 else self.officers[person.agency.id]
            rows.append(
                (
                    first_id + n,
                    person.id,
                    scheme,
                    "",
                    PROFESSIONAL_SCHEMES[scheme].issuer or rng.choice(CERTIFYING_BODIES),
                    f"{scheme.upper()}-{rng.randrange(100_000, 999_999)}-{n + 1}",
                    *self._review(obtained, person.created_at, declarer, person.agency),
                )
            )
        return rows

    def agencies(self, agencies: list[PlannedAgency], first_id: int) -> list[tuple]:
        rng = self.rng
        central = [a for a in agencies if a.kind != AgencyKind.LOCAL_AUTHORITY]
        count = max(1, round(len(central) * CERTIFIED_AGENCY_SHARE))
        standards = sorted(key for key in AGENCY_STANDARDS if key != OTHER)
        rows = []
        for n, agency in enumerate(rng.sample(central, min(count, len(central)))):
            standard = "iso27001" if rng.random() < 0.6 else rng.choice(standards)
            issued = self._day_before(self.timeline.launch, years=4)
            rows.append(
                (
                    first_id + n,
                    agency.id,
                    standard,
                    "",
                    rng.choice(CERTIFYING_BODIES),
                    "Systèmes d'information de l'administration centrale",
                    f"{standard.upper()}-{issued.year}-{rng.randrange(1000, 9999)}-{n + 1}",
                    *self._review(issued, self.timeline.launch, self.officers[agency.id], agency),
                )
            )
        return rows

    def _day_before(self, moment: datetime, years: int) -> date:
        return (moment - timedelta(days=self.rng.randrange(1, 365 * years))).date()

    def _review(self, start: date, known_since: datetime, declarer: int, agency) -> tuple:
        """Dates, status and review columns: declared on the platform, then reviewed by someone
        other than the declarer (the agency's HR officer, or an administrator)."""
        rng, w = self.rng, self.writer
        status = rng.choices([s for s, _ in STATUSES], [weight for _, weight in STATUSES])[0]
        declared = self.timeline.moment(
            rng, max(known_since, self.timeline.launch), self.timeline.horizon
        )
        reviewer = self.officers[agency.id]
        if reviewer == declarer:
            reviewer = self.admin_id
        reviewed = None
        if status != ReviewStatus.DECLARED:
            reviewed = min(
                declared + timedelta(days=rng.uniform(0.1, 20)),
                self.timeline.horizon - timedelta(seconds=1),
            )
        expires = None
        if rng.random() < 0.8:
            expires = date(start.year + VALID_YEARS, start.month, min(start.day, 28))
        return (
            w.day(start),
            w.day(expires),
            status.value,
            w.moment(declared),
            declarer,
            w.moment(reviewed),
            reviewer if reviewed else None,
            REJECTION_NOTE if status == ReviewStatus.REJECTED else "",
        )
