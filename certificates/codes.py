"""Certificate codes: 60 random bits in Crockford base32, grouped, with a check character.

The check character is Luhn mod 32 over the alphabet (Crockford's own mod-37 check needs
symbols such as * and ~ that are awkward to type and to put in a URL): it catches every
single mistyped character and most swaps of two neighbours.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARACTERS = 12  # 12 x 5 = 60 random bits
GROUP = 4
# Characters people confuse, read the way Crockford's decoding reads them.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[^0-9A-Z]")  # dashes, spaces, dots: whatever groups the characters


def check_character(body: str) -> str:
    """Luhn mod 32: from the right, every other value is doubled and folded back into 0..31."""
    total = 0
    for position, character in enumerate(reversed(body)):
        value = ALPHABET.index(character)
        if position % 2 == 0:
            value *= 2
            value = value // 32 + value % 32
        total += value
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """A fresh code, normalised (no dashes): 12 random characters then the check character."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARACTERS))
    return body + check_character(body)


def normalise_code(typed: str) -> str:
    """What was typed or scanned, as stored: upper case, letters and digits only, O read as 0…"""
    return _SEPARATORS.sub("", typed.upper().translate(_LOOK_ALIKES))


def is_valid_code(code: str) -> bool:
    """A normalised code of the right length, alphabet and check character."""
    return (
        len(code) == RANDOM_CHARACTERS + 1
        and all(character in ALPHABET for character in code)
        and check_character(code[:-1]) == code[-1]
    )


def display_code(code: str) -> str:
    """XXXX-XXXX-XXXX-C: groups of four, the check character last."""
    body, check = code[:-1], code[-1]
    groups = [body[start : start + GROUP] for start in range(0, len(body), GROUP)]
    return "-".join([*groups, check])
