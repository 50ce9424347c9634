"""Read shapes of the registry handed to the API and admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.enums import PersonRole


@dataclass(frozen=True)
class PersonInEntity:
    """A person's role in an entity; the identity number never leaves the registry, nor the
    person's row id (`person_key` stands for it)."""

    entity_id: int
    person_key: str
    name: str
    role: PersonRole
    share_percent: Decimal | None
    title: str | None
