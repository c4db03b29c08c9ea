"""Demo agencies and accounts for a first look at the platform (`amane demo seed`)."""

from __future__ import annotations

from training import passwords
from training.agencies import AgencyFields, save_agency
from training.models import Agency, Role, Staff

DEMO_PASSWORD = "demo-amane-2026"

AGENCIES = [
    AgencyFields(
        "MEF",
        "Ministère de l'Économie et des Finances",
        "ministry",
        "وزارة الاقتصاد والمالية",
        "Ministry of Economy and Finance",
        "",
        "1200",
    ),
    AgencyFields(
        "MEF-DB",
        "Direction du Budget",
        "directorate",
        "مديرية الميزانية",
        "Budget Directorate",
        "MEF",
        "300",
    ),
    AgencyFields(
        "MEF-DAAG",
        "Direction des Affaires Administratives et Générales",
        "directorate",
        "مديرية الشؤون الإدارية والعامة",
        "Directorate of Administrative Affairs",
        "MEF",
        "250",
    ),
    AgencyFields(
        "MEF-OFS",
        "Office de la Formation Statistique",
        "public_establishment",
        "مكتب التكوين الإحصائي",
        "Office of Statistical Training",
        "MEF",
        "90",
    ),
    AgencyFields(
        "MS", "Ministère de la Santé", "ministry", "وزارة الصحة", "Ministry of Health", "", "2000"
    ),
]

# (registration number, name, email, agency, job title, role, language)
STAFF = [
    (
        "ADM-0001",
        "Samira Idrissi",
        "admin@amane.test",
        "MEF",
        "Administratrice de la plateforme",
        Role.ADMIN,
        "fr",
    ),
    (
        "RAP-0001",
        "Youssef Benali",
        "rapporteur@amane.test",
        "MEF",
        "Rapporteur national",
        Role.REPORTER,
        "fr",
    ),
    (
        "RH-0001",
        "Nadia Tazi",
        "rh.finances@amane.test",
        "MEF",
        "Responsable des ressources humaines",
        Role.HR,
        "fr",
    ),
    (
        "RH-0002",
        "Karim Alaoui",
        "rh.sante@amane.test",
        "MS",
        "Responsable des ressources humaines",
        Role.HR,
        "ar",
    ),
    (
        "MEF-1001",
        "Fatima Zahra Bennani",
        "agent.budget@amane.test",
        "MEF-DB",
        "Cadre budgétaire",
        Role.LEARNER,
        "fr",
    ),
    (
        "MEF-1002",
        "Omar Chraibi",
        "omar.chraibi@amane.test",
        "MEF-DB",
        "Analyste financier",
        Role.LEARNER,
        "fr",
    ),
    (
        "MEF-1003",
        "Salma El Amrani",
        "salma.elamrani@amane.test",
        "MEF-DAAG",
        "Assistante administrative",
        Role.LEARNER,
        "ar",
    ),
    (
        "MEF-1004",
        "Hicham Berrada",
        "hicham.berrada@amane.test",
        "MEF-DAAG",
        "Technicien informatique",
        Role.LEARNER,
        "fr",
    ),
    (
        "OFS-2001",
        "Leila Mansouri",
        "leila.mansouri@amane.test",
        "MEF-OFS",
        "Formatrice",
        Role.LEARNER,
        "fr",
    ),
    (
        "MS-3001",
        "Rachid Ouazzani",
        "rachid.ouazzani@amane.test",
        "MS",
        "Médecin inspecteur",
        Role.LEARNER,
        "fr",
    ),
    (
        "MS-3002",
        "Imane Saadi",
        "imane.saadi@amane.test",
        "MS",
        "Gestionnaire des achats",
        Role.LEARNER,
        "en",
    ),
]


async def seed_demo() -> bool:
    """Create the demo agencies and accounts unless the database already holds agencies."""
    if await Agency.exists():
        return False
    for fields in AGENCIES:
        await save_agency(AgencyFields(**vars(fields)), actor=None)
    password_hash = await passwords.hash_password(DEMO_PASSWORD)
    agencies = {agency.code: agency for agency in await Agency.all()}
    for number, name, email, agency, job, role, language in STAFF:
        await Staff.create(
            registration_number=number,
            full_name=name,
            email=email,
            agency=agencies[agency],
            job_title=job,
            role=role,
            language=language,
            password_hash=password_hash,
        )
    return True


def demo_logins() -> list[tuple[str, str]]:
    labels = {
        "admin@amane.test": "administrateur",
        "rapporteur@amane.test": "rapporteur national",
        "rh.finances@amane.test": "RH, Ministère de l'Économie et des Finances (et ses directions)",
        "rh.sante@amane.test": "RH, Ministère de la Santé",
        "agent.budget@amane.test": "apprenant, Direction du Budget",
    }
    return list(labels.items())
