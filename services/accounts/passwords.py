"""Password hashing with argon2 (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import dataclasses

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from services.platform.settings import cheap_password_hashing

# What every deployment hashes with: RFC 9106's second recommendation (64 MiB, 3 passes, 4 lanes),
# about a tenth of a second a hash on 2 cores.
STRONG = RFC_9106_LOW_MEMORY
# The test suite's (JIANGUAN_TEST_PASSWORD_HASHING=1, refused in production): its ~1,400 tests sign in,
# make users and seed cities, and at STRONG a test of the sign-in throttle alone waited out a minute
# of hashes. Same algorithm and lengths, so what is stored looks the same.
CHEAP = dataclasses.replace(STRONG, time_cost=1, memory_cost=8, parallelism=1)
PARAMETERS = CHEAP if cheap_password_hashing() else STRONG

_hasher = PasswordHasher.from_parameters(PARAMETERS)
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


# Verifying against a real hash when the user is unknown keeps the time of a
# failed login the same, so it does not tell which usernames exist.
DUMMY_HASH = _hasher.hash("jianguan-no-such-user")
