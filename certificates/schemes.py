"""The maintained lists: recognised professional certifications, and standards agencies certify to.

Keys are what import files and the database hold; add a scheme by adding a line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from training.i18n import N_, _

OTHER = "other"


@dataclass(frozen=True)
class Scheme:
    label: str  # French ones are translated where shown
    issuer: str = ""  # the usual certifying body, proposed when a record names none


PROFESSIONAL_SCHEMES: dict[str, Scheme] = {
    "cissp": Scheme("CISSP", "ISC2"),
    "sscp": Scheme("SSCP", "ISC2"),
    "csslp": Scheme("CSSLP", "ISC2"),
    "ccsp": Scheme("CCSP", "ISC2"),
    "cism": Scheme("CISM", "ISACA"),
    "cisa": Scheme("CISA", "ISACA"),
    "crisc": Scheme("CRISC", "ISACA"),
    "cgeit": Scheme("CGEIT", "ISACA"),
    "ceh": Scheme("CEH — Certified Ethical Hacker", "EC-Council"),
    "chfi": Scheme("CHFI — Computer Hacking Forensic Investigator", "EC-Council"),
    "ecsa": Scheme("ECSA — EC-Council Certified Security Analyst", "EC-Council"),
    "giac-gsec": Scheme("GIAC GSEC — Security Essentials", "GIAC"),
    "giac-gcih": Scheme("GIAC GCIH — Certified Incident Handler", "GIAC"),
    "giac-gcia": Scheme("GIAC GCIA — Certified Intrusion Analyst", "GIAC"),
    "giac-gpen": Scheme("GIAC GPEN — Penetration Tester", "GIAC"),
    "giac-gcfa": Scheme("GIAC GCFA — Certified Forensic Analyst", "GIAC"),
    "giac-gslc": Scheme("GIAC GSLC — Security Leadership", "GIAC"),
    "comptia-security-plus": Scheme("CompTIA Security+", "CompTIA"),
    "comptia-cysa-plus": Scheme("CompTIA CySA+", "CompTIA"),
    "comptia-pentest-plus": Scheme("CompTIA PenTest+", "CompTIA"),
    "iso27001-lead-auditor": Scheme("ISO/IEC 27001 Lead Auditor"),
    "iso27001-lead-implementer": Scheme("ISO/IEC 27001 Lead Implementer"),
    "iso27005-risk-manager": Scheme("ISO/IEC 27005 Risk Manager"),
    "iso22301-lead-auditor": Scheme("ISO 22301 Lead Auditor"),
    "oscp": Scheme("OSCP — OffSec Certified Professional", "OffSec"),
    "oswe": Scheme("OSWE — OffSec Web Expert", "OffSec"),
    OTHER: Scheme(N_("Autre (préciser le nom)")),
}

AGENCY_STANDARDS: dict[str, Scheme] = {
    "iso27001": Scheme(N_("ISO/IEC 27001 — management de la sécurité de l'information")),
    "iso27701": Scheme(N_("ISO/IEC 27701 — management de la protection de la vie privée")),
    "iso22301": Scheme(N_("ISO 22301 — management de la continuité d'activité")),
    "iso20000-1": Scheme(N_("ISO/IEC 20000-1 — management des services informatiques")),
    "pci-dss": Scheme(N_("PCI DSS — sécurité des données de cartes de paiement"), "PCI SSC (QSA)"),
    OTHER: Scheme(N_("Autre norme (préciser le nom)")),
}


def scheme_label(schemes: dict[str, Scheme], key: str, other_name: str) -> str:
    """What a record's scheme is called: the list's label, or the name given for "other"."""
    if key == OTHER:
        return other_name
    return _(schemes[key].label) if key in schemes else key
