"""Read shapes of the registry handed to the API and admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models import EntityPerson, Person
from models.enums import PersonRole


@dataclass(frozen=True)
class PersonInEntity:
    """A person's role in an entity; the identity number never leaves the registry."""

    person_id: int
    name: str
    role: PersonRole
    share_percent: Decimal | None
    title: str | None

    @classmethod
    def of(cls, link: EntityPerson, person: Person) -> PersonInEntity:
        assert person.id is not None
        return cls(person.id, person.name, link.role, link.share_percent, link.title)
