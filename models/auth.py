"""API tokens: only the hash of a token is kept."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.enums import Role
from models.types import UTCDateTime, code_list, utcnow


class User(SQLModel, table=True):
    """A person who signs in to the admin pages: a maintainer or department staff."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=128)
    password_hash: str = Field(max_length=256)
    role: Role = Field(sa_type=code_list(Role))
    department_id: int = Field(foreign_key="department.id", index=True)
    is_active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the next attempt waits until
    last_failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # an hour on, the count restarts
    # Raised on sign-out and password reset: every session cookie issued before is void.
    session_epoch: int = Field(default=0)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    token_hash: str = Field(unique=True, max_length=64)
    department_id: int = Field(foreign_key="department.id", index=True)
    role: Role = Field(sa_type=code_list(Role))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted under a client address, or under a username that names no usable
    account (counted as a user's are, so the answers tell no account from none). Keyed by a
    keyed hash: a name typed may be a password typed in the wrong box. Rows an hour past their
    last failure are pruned (services.accounts.lockout.FORGET_AFTER)."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(primary_key=True, max_length=80)  # "name:" or "client:", then an HMAC-SHA256
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class SignInKnownAddress(SQLModel, table=True):
    """A network (IPv4 /24, IPv6 /64) a user has signed in from: from there, the user's sign-in
    does not wait for failures others made under the name (services.accounts.lockout). Kept as a
    keyed hash of the network; rows KNOWN_FOR past their last sign-in are pruned."""

    __tablename__ = "sign_in_known_address"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    network: str = Field(primary_key=True, max_length=64)  # HMAC-SHA256 of the network, hex
    last_signed_in_at: datetime = Field(sa_type=UTCDateTime, index=True)
