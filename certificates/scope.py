"""Who reads and who changes records, by role and agency scope."""

from __future__ import annotations

from training.agencies import held_in_scope, in_scope
from training.models import MANAGERS, Agency, Role, Staff


def reads_all(staff: Staff) -> bool:
    """Administrators and national reporters read every agency's records (reporters read only)."""
    return staff.role in (Role.ADMIN, Role.REPORTER)


def can_read(staff: Staff, agency: Agency) -> bool:
    return reads_all(staff) or in_scope(staff, agency)


def can_manage(staff: Staff, agency: Agency) -> bool:
    """HR officers change their agency and its sub-agencies, administrators all agencies."""
    return staff.role in MANAGERS and in_scope(staff, agency)


def agency_path_filter(staff: Staff, relation: str) -> dict[str, str]:
    """Query arguments restricting `relation` (an Agency) to what this reader may see."""
    return {} if reads_all(staff) else {f"{relation}__path__startswith": staff.agency.path}


def holder_filter(staff: Staff) -> dict:
    """Query arguments restricting records held by people (`staff_id`) to those whose holder
    this reader may see."""
    return {} if reads_all(staff) else held_in_scope(staff)
