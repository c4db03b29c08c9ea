"""Interface languages: negotiation order, the switcher, right-to-left Arabic, locale formats."""

from datetime import date, datetime

import pytest

from courses.placeholders import deployment_names
from tests.conftest import shown
from training.i18n import (
    current_language,
    format_date,
    format_number,
    format_percent,
    from_accept_language,
    translations,
)
from training.models import DeploymentSetting, Staff


def arabic(message: str) -> str:
    """The Arabic catalogue's translation, which must exist and differ from the French."""
    text = translations("ar").gettext(message)
    assert text != message, f"no Arabic for {message!r}"
    return text


def html_tag(response) -> str:
    return response.text.split("<head>", 1)[0]


async def test_french_by_default(client):
    page = await client.get("/login")
    assert '<html lang="fr" dir="ltr">' in html_tag(page)
    assert "Connexion" in page.text


async def test_browser_language_is_used(client):
    page = await client.get("/login", headers={"Accept-Language": "ar-MA,ar;q=0.9,fr;q=0.8"})
    assert '<html lang="ar" dir="rtl">' in html_tag(page)
    assert arabic("Se connecter") in page.text
    english = await client.get("/login", headers={"Accept-Language": "de, en-GB;q=0.7"})
    assert '<html lang="en" dir="ltr">' in html_tag(english)
    assert "Sign in" in english.text or translations("en").gettext("Se connecter") in english.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar", "ar"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE, fr;q=0.5, en;q=0.6", "en"),
        ("de", None),
        ("", None),
        ("fr;q=0, ar;q=0.1", "ar"),
        ("en;q=bad, ar", "ar"),
    ],
)
def test_accept_language_parsing(header, expected):
    assert from_accept_language(header) == expected


async def test_switcher_cookie_beats_the_browser(client):
    response = await client.submit("/language", {"language": "ar", "next": "/login?x=1"})
    assert response.status_code == 303 and response.headers["location"] == "/login?x=1"
    assert "HttpOnly" in response.headers["set-cookie"]
    page = await client.get("/login", headers={"Accept-Language": "en"})
    assert 'lang="ar" dir="rtl"' in html_tag(page)


async def test_switcher_rejects_unknown_language_and_csrf(client):
    assert (await client.submit("/language", {"language": "xx"})).status_code == 400
    assert (await client.post("/language", data={"language": "ar"})).status_code == 403


async def test_profile_beats_the_cookie_and_the_switcher_updates_it(client, world):
    await client.submit("/language", {"language": "en"})
    await Staff.filter(id=world.learner_a.id).update(language="ar")
    await client.login("l-a@example.org")
    account = await client.get("/account")
    assert 'lang="ar" dir="rtl"' in html_tag(account)
    assert arabic("Mon compte") in account.text
    await client.submit("/language", {"language": "fr", "next": "/account"})
    assert (await Staff.get(id=world.learner_a.id)).language == "fr"
    assert 'lang="fr"' in html_tag(await client.get("/account"))


async def test_every_page_has_the_switcher(client, world):
    page = await client.get("/login")
    for code, name in (("fr", "Français"), ("ar", "العربية"), ("en", "English")):
        assert f'name="language" value="{code}" lang="{code}"' in page.text and name in page.text


async def test_messages_from_the_code_are_translated(client, world):
    await client.submit("/language", {"language": "ar"})
    failed = await client.login("l-a@example.org", "wrong password")
    assert arabic("Identifiant ou mot de passe incorrect.") in shown(failed)


async def test_error_pages_are_translated(client, world):
    await client.submit("/language", {"language": "en"})
    await Staff.filter(id=world.learner_a.id).update(language="en")
    await client.login("l-a@example.org")
    response = await client.get("/staff/99999/edit")
    assert response.status_code == 403
    assert translations("en").gettext("Accès refusé") in response.text
    assert "Not Found" not in response.text


@pytest.mark.parametrize(
    ("language", "day", "share", "number"),
    [
        ("fr", "24 nov. 2026", "76\u00a0%", "12\u202f345,5"),
        ("ar", "24\u200f/11\u200f/2026", "76%", "12.345,5"),
        ("en", "24 Nov 2026", "76%", "12,345.5"),
    ],
)
def test_locale_formats(language, day, share, number):
    token = current_language.set(language)
    try:
        assert format_percent(0.756) == share
        assert format_percent(0.0025).startswith(("0,25", "0.25", "0٫25"))
        assert format_number(12345.5) == number
        assert format_date(date(2026, 11, 24)) == day
        assert format_date(None) == "—"
        assert "2026" in format_date(datetime(2026, 11, 24, 9, 30), "long")
    finally:
        current_language.reset(token)


async def test_authority_names_follow_the_language(app):
    assert (await deployment_names("fr"))["national_cert"].startswith("le maCERT")
    assert (await deployment_names("en"))["national_cert"].startswith("maCERT, the Centre")
    assert "maCERT" in (await deployment_names("ar"))["national_cert"]
    await DeploymentSetting.create(key="national_cert.ar", value="الفريق الوطني")
    await DeploymentSetting.create(key="national_cert", value="l'équipe nationale")
    assert (await deployment_names("ar"))["national_cert"] == "الفريق الوطني"
    assert (await deployment_names("fr"))["national_cert"] == "l'équipe nationale"
    assert (await deployment_names("en"))["national_cert"].startswith("maCERT")


async def test_arabic_font_is_served_from_the_platform(client):
    css = (await client.get("/static/amane.css")).text
    assert 'url("fonts/NotoSansArabic-Regular.ttf")' in css
    assert "https://" not in css and "http://" not in css
    font = await client.get("/static/fonts/NotoSansArabic-Regular.ttf")
    assert font.status_code == 200 and font.content[:4] == b"\x00\x01\x00\x00"


async def test_dates_on_pages_follow_the_locale(client, world):
    await client.login("hr1@example.org")
    await client.submit(f"/staff/{world.learner_b.id}/deactivate")
    today = date.today()
    french = (await client.get(f"/staff/{world.learner_b.id}")).text
    assert today.strftime("%d/%m/%Y") in french
    await client.submit("/language", {"language": "ar"})
    arabic_page = (await client.get(f"/staff/{world.learner_b.id}")).text
    assert f"{today.day}\u200f/{today.month}\u200f/{today.year}" in arabic_page
