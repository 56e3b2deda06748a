"""One-time codes for ballots and surveys: made at random, stored only as keyed digests.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), printed in
groups of four (``K7QF-3MXA-9TPW``): about 59 bits, so guessing a live code is hopeless,
and the pages refusing a wrong code are rate-limited besides. The database keeps only the
HMAC-SHA256 of the normalised code under the site's secret key, so reading the database (or a
backup) gives no usable code; the slips printed once are the only copies. (Changing
``SECRET_KEY`` while a round or survey is open makes its codes stop working.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4


def make_code() -> str:
    """A new random code, grouped for reading (``XXXX-XXXX-XXXX``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str:
    """The code as typed, without spaces and dashes, in capitals, full-width folded."""
    folded = "".join(
        chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in code.strip()
    )
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def code_digest(code: str, *, purpose: str) -> str:
    """The keyed digest stored for ``code``; ``purpose`` separates ballots from surveys."""
    message = f"{purpose}:{normalise(code)}".encode()
    key = f"assessment-codes:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def looks_like_code(code: str) -> bool:
    """Whether ``code`` has the shape of a code at all (a cheap check before any lookup)."""
    value = normalise(code)
    return len(value) == LENGTH and all(ch in ALPHABET for ch in value)
