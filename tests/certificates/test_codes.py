"""Certificate codes: format, check character, loose typing, uniqueness."""

import re

from certificates import issuing
from certificates.codes import (
    ALPHABET,
    check_character,
    display_code,
    is_valid_code,
    new_code,
    normalise_code,
)
from certificates.models import Certificate
from tests.certificates.conftest import certificate_of
from tests.quizzes.conftest import make_version

CROCKFORD = "[0-9A-HJKMNP-TV-Z]"
GROUPED = re.compile(rf"^{CROCKFORD}{{4}}-{CROCKFORD}{{4}}-{CROCKFORD}{{4}}-{CROCKFORD}$")


def test_a_code_is_grouped_crockford_base32_with_a_check_character():
    code = new_code()
    assert len(code) == 13 and is_valid_code(code)
    assert GROUPED.match(display_code(code))
    assert not set("ILOU") & set(code)


def test_sixty_random_bits_make_no_duplicates_in_practice():
    assert len(ALPHABET) ** 12 == 2**60
    assert len({new_code() for _ in range(20_000)}) == 20_000


def test_every_single_mistyped_character_is_caught():
    code = new_code()
    for position in range(len(code)):
        for replacement in ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1 :]
                assert not is_valid_code(typo), (code, typo)


def test_swapping_two_neighbours_is_caught_in_almost_every_case():
    caught = total = 0
    for _ in range(300):
        code = new_code()
        for position in range(len(code) - 1):
            a, b = code[position], code[position + 1]
            if a != b:
                total += 1
                swapped = code[:position] + b + a + code[position + 2 :]
                caught += not is_valid_code(swapped)
    assert caught / total > 0.95


def test_codes_are_read_the_way_people_type_them():
    code = "7K3MQX9T2HV8"
    code += check_character(code)
    typed = f" {code[:4].lower()} {code[4:8]}-{code[8:12]}-{code[12]} "
    assert normalise_code(typed) == code
    assert normalise_code("O1IL-oOIl") == "01110011"
    assert not is_valid_code(normalise_code("7K3M-QX9T"))  # too short
    assert not is_valid_code("7K3MQX9T2HV8U")  # U is not in the alphabet


async def test_a_clash_with_an_existing_code_draws_again(world, monkeypatch):
    first = await certificate_of(world.learner_a, await make_version("one"))
    drawn = iter([first.code, "ABCDEFGHJKMN" + check_character("ABCDEFGHJKMN")])
    monkeypatch.setattr(issuing, "new_code", lambda: next(drawn))
    second = await certificate_of(world.learner_b, await make_version("two"))
    assert second.code == "ABCDEFGHJKMN" + check_character("ABCDEFGHJKMN")
    assert await Certificate.filter(code=first.code).count() == 1
