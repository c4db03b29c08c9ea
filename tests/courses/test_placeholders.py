"""National names put into lessons and questions read as a writer would have written them."""

import pytest

from courses.placeholders import DEFAULT_NAMES, fill_placeholders

FRENCH = DEFAULT_NAMES["fr"]
CERT = "maCERT, Centre de Veille, de Détection et de Réponse aux Attaques Informatiques"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("avec l'appui de {{national_cert}}.", f"avec l'appui du {CERT}."),
        ("Directement à {{national_cert}}, sans", f"Directement au {CERT}, sans"),
        ("De {{national_cert}} vient", f"Du {CERT} vient"),
        ("À {{national_cert}} de voir", f"Au {CERT} de voir"),
        ("déclaré à {{national_authority}}", "déclaré à la Direction Générale"),
        ("prévenez {{national_cert}}", f"prévenez le {CERT}"),
        ("le code {{national_cert}}", f"le code le {CERT}"),
    ],
)
def test_a_preposition_contracts_with_the_names_article(text, shown):
    assert fill_placeholders(text, FRENCH).startswith(shown)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{{data_protection_law}} encadre", "La loi n° 09-08"),
        ("Voilà. {{data_protection_authority}} veille", "Voilà. La Commission Nationale"),
        ("Vraiment ! {{national_cert}} répond", f"Vraiment ! Le {CERT}"),
        ("Intro\n\n- {{national_cert}} traite", f"Intro\n\n- Le {CERT}"),
        ("## {{national_directive}}", "## La Directive Nationale"),
        ("Selon la loi, {{national_cert}} traite", f"Selon la loi, le {CERT}"),
    ],
)
def test_a_name_opening_a_sentence_takes_a_capital(text, shown):
    assert fill_placeholders(text, FRENCH).startswith(shown)


def test_a_name_written_with_its_own_capitals_keeps_them():
    english = DEFAULT_NAMES["en"]
    assert fill_placeholders("{{national_cert}} answers.", english).startswith("maCERT, the")
    assert fill_placeholders("{{data_protection_authority}} checks", english).startswith(
        "The National Commission"
    )
    assert fill_placeholders("{{unknown}} stays", english) == "{{unknown}} stays"
