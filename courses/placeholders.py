"""Names of national authorities and laws: written as placeholders, filled per deployment."""

from __future__ import annotations

import re

from training import sql
from training.models import DeploymentSetting

# The default deployment's names per language (content/README.md); a DeploymentSetting row
# overrides one ("national_cert" for French, "national_cert.ar" for Arabic…), so another
# country changes names without editing lessons.
DEFAULT_NAMES: dict[str, dict[str, str]] = {
    "fr": {
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
    },
    "ar": {
        "national_authority": "المديرية العامة لأمن نظم المعلومات (DGSSI)",
        "national_cert": "مركز اليقظة والرصد والتصدي للهجمات المعلوماتية (maCERT)",
        "national_directive": "التوجيه الوطني لأمن نظم المعلومات (DNSSI)",
        "cybersecurity_law": "القانون رقم 05.20 المتعلق بالأمن السيبراني",
        "data_protection_law": (
            "القانون رقم 09.08 المتعلق بحماية الأشخاص الذاتيين تجاه معالجة المعطيات ذات الطابع "
            "الشخصي"
        ),
        "data_protection_authority": (
            "اللجنة الوطنية لمراقبة حماية المعطيات ذات الطابع الشخصي (CNDP)"
        ),
        "cybercrime_law": (
            "القانون رقم 07.03 بتتميم مجموعة القانون الجنائي فيما يتعلق بالجرائم المتعلقة بنظم "
            "المعالجة الآلية للمعطيات"
        ),
    },
    "en": {
        "national_authority": "the General Directorate of Information Systems Security (DGSSI)",
        "national_cert": (
            "maCERT, the Centre for Monitoring, Detection and Response to Computer Attacks"
        ),
        "national_directive": "the National Directive on Information Systems Security (DNSSI)",
        "cybersecurity_law": "Law No. 05-20 on cybersecurity",
        "data_protection_law": (
            "Law No. 09-08 on the protection of individuals with regard to the processing of "
            "personal data"
        ),
        "data_protection_authority": (
            "the National Commission for the Control of Personal Data Protection (CNDP)"
        ),
        "cybercrime_law": (
            "Law No. 07-03 supplementing the Penal Code on offences against automated data "
            "processing systems"
        ),
    },
}
PLACEHOLDER_KEYS = tuple(DEFAULT_NAMES["fr"])
# Written as SQL: composed through the ORM, this read was a third of a lesson page's own work.
_OVERRIDES = 'SELECT "key", "value" FROM deployment_setting WHERE "key" IN ({})'.format(
    ", ".join(f":k{number}" for number in range(len(PLACEHOLDER_KEYS)))
)

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
# A placeholder with the French preposition before it, which contracts with an article.
_FILLED = re.compile(r"(?:\b([àÀ]|[dD]e) )?\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_CONTRACTED = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
# What may come before a sentence's first word: the text's or a line's start (a list item, a
# heading, a quote), or a full stop, an exclamation or question mark, an opening guillemet.
_SENTENCE_START = re.compile(r"(?:(?:\A|\n)[ \t]*(?:[-*+>]|\d+[.)]|#+)?|[.!?«][\xa0]?)[ \t]*\Z")


def unknown_placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1) not in PLACEHOLDER_KEYS]


def fill_placeholders(text: str, names: dict[str, str]) -> str:
    """Names put in their sentence as a writer would: "à le maCERT" reads "au maCERT" (the
    names begin with their article, and the lesson cannot know which one a deployment's name
    takes), and a name opening a sentence takes a capital ("La loi…"), unless its first word
    is written with capitals of its own ("maCERT")."""

    def fill(match: re.Match) -> str:
        preposition, key = match.group(1), match.group(2)
        name = names.get(key)
        if name is None:
            return match.group(0)
        article, _, rest = name.partition(" ")
        if preposition:
            contracted = _CONTRACTED.get((preposition.lower(), article))
            if contracted is None or not rest:
                return f"{preposition} {name}"
            if preposition[0].isupper():
                contracted = contracted.capitalize()
            return f"{contracted} {rest}"
        before = match.string[max(0, match.start() - 40) : match.start()]
        if article.islower() and _SENTENCE_START.search(before):
            return name[0].upper() + name[1:]
        return name

    return _FILLED.sub(fill, text)


async def deployment_names(language: str = "fr") -> dict[str, str]:
    """The names in one language: the defaults, overridden by this deployment's settings."""
    defaults = DEFAULT_NAMES.get(language, DEFAULT_NAMES["fr"])
    suffix = "" if language == "fr" else f".{language}"
    keys = {f"k{number}": key + suffix for number, key in enumerate(PLACEHOLDER_KEYS)}
    overrides = await sql.rows(_OVERRIDES, keys)
    return {**defaults, **{row["key"].removesuffix(suffix): row["value"] for row in overrides}}


def setting_key(key: str, language: str) -> str:
    return key if language == "fr" else f"{key}.{language}"


async def save_names(values: dict[tuple[str, str], str], *, actor, ip: str = "") -> int:
    """Store the names that differ from the defaults; an empty or default value resets one."""
    from tortoise.transactions import in_transaction

    from training import audit

    changed = 0
    async with in_transaction():
        for (key, language), value in values.items():
            if key not in PLACEHOLDER_KEYS or language not in DEFAULT_NAMES:
                continue
            stored = setting_key(key, language)
            value = " ".join(value.split())
            if not value or value == DEFAULT_NAMES[language][key]:
                changed += await DeploymentSetting.filter(key=stored).delete()
                continue
            row = await DeploymentSetting.get_or_none(key=stored)
            if row is None or row.value != value:
                await DeploymentSetting.update_or_create(key=stored, defaults={"value": value})
                changed += 1
        if changed:
            await audit.record("settings.names_changed", actor=actor, detail=f"{changed}", ip=ip)
    return changed
