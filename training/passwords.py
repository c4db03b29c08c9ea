"""argon2 password hashing, and the rules a new password must meet."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from training.i18n import _

MIN_LENGTH = 12

# The test suite hashes thousands of passwords: it asks for cheap parameters.
_PROFILES = {
    "strong": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
_hasher = _PROFILES["strong"]
# Verified when the account does not exist, so both cases cost the same time. Made at the first
# sign-in: made on import, then again once configured, it cost every start a quarter second.
_dummy_hash = ""


def configure(profile: str) -> None:
    global _hasher, _dummy_hash
    _hasher = _PROFILES[profile]
    _dummy_hash = ""


def _verify(password_hash: str, password: str) -> bool:
    global _dummy_hash
    if not password_hash and not _dummy_hash:
        _dummy_hash = _hasher.hash("no account has this password")
    try:
        return _hasher.verify(password_hash or _dummy_hash, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


# argon2 is deliberately slow: it runs in a thread so other requests go on meanwhile.
async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """True for the right password; an empty hash (no password set yet) never matches."""
    return await asyncio.to_thread(_verify, password_hash, password)


def password_problem(password: str, confirmation: str) -> str | None:
    """Why a new password is refused, or None."""
    if password != confirmation:
        return _("Les deux mots de passe saisis ne sont pas identiques.")
    if len(password) < MIN_LENGTH:
        return _(
            "Le mot de passe doit compter au moins %(n)d caractères "
            "(une phrase de passe convient très bien).",
            n=MIN_LENGTH,
        )
    if len(set(password)) < 5:
        return _("Le mot de passe est trop répétitif : choisissez une phrase de passe.")
    return None
