"""Names of national authorities and laws: written as placeholders, filled per deployment."""

from __future__ import annotations

import re

from training.models import DeploymentSetting

# The default deployment's names (content/README.md); a DeploymentSetting row with the same key
# overrides one, so another country changes names without editing lessons.
DEFAULT_NAMES: dict[str, str] = {
    "national_authority": (
        "la Direction Générale de la Sécurité des Systèmes d'Information (DGSSI)"
    ),
    "national_cert": (
        "le maCERT, Centre de Veille, de Détection et de Réponse aux Attaques Informatiques"
    ),
    "national_directive": (
        "la Directive Nationale de la Sécurité des Systèmes d'Information (DNSSI)"
    ),
    "cybersecurity_law": "la loi n° 05-20 relative à la cybersécurité",
    "data_protection_law": (
        "la loi n° 09-08 relative à la protection des personnes physiques à l'égard du "
        "traitement des données à caractère personnel"
    ),
    "data_protection_authority": (
        "la Commission Nationale de contrôle de la protection des Données à caractère "
        "Personnel (CNDP)"
    ),
    "cybercrime_law": (
        "la loi n° 07-03 complétant le code pénal en ce qui concerne les infractions "
        "relatives aux systèmes de traitement automatisé des données"
    ),
}

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def unknown_placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1) not in DEFAULT_NAMES]


def fill_placeholders(text: str, names: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(0)), text)


async def deployment_names() -> dict[str, str]:
    """The defaults, overridden by this deployment's settings."""
    overrides = await DeploymentSetting.filter(key__in=list(DEFAULT_NAMES)).values_list(
        "key", "value"
    )
    return {**DEFAULT_NAMES, **dict(overrides)}
