"""Persons named in the registry, identified by a keyed hash of their identity number."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, delete
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models import EntityPerson, Person
from models.enums import PersonRole
from services.platform.db import insert_if_absent, secret_key_of
from services.registry.registry_view import PersonInEntity


def person_key(secret_key: str, person_id: int) -> str:
    """The id a person goes by in every answer (an entity's persons, the entity graph): the same
    person across entities, and nothing else about them; the table's own id never leaves the
    server. The label is the graph's, where the id was first given, so its ids stay as they were."""
    digest = hmac.new(secret_key.encode(), f"entity-graph-person:{person_id}".encode(), hashlib.sha256).digest()
    return "P" + base64.urlsafe_b64encode(digest[:12]).decode()


ROLE_ORDER = case(
    {PersonRole.LEGAL_REPRESENTATIVE.name: 0, PersonRole.SHAREHOLDER.name: 1, PersonRole.EXECUTIVE.name: 2},
    value=EntityPerson.role,
)

# An entity's persons: legal representative, shareholders, executives, each in the order registered.
PERSON_ORDER = (ROLE_ORDER, col(EntityPerson.id))

# The most shareholders and executives one registration names (TOO_MANY_PERSONS past it): a limited
# company has at most 50 shareholders (公司法), with its board, supervisors and managers well within
# the rest. With the legal representative, an entity's `persons` never holds more than
# MAX_PERSONS + 1, which is what the query cost counts it as (schema.cost).
MAX_PERSONS = 100


@dataclass(frozen=True)
class PersonLink:
    """One person in one role, as the registration gives it."""

    name: str
    role: PersonRole
    id_number: str | None = None
    share_percent: Decimal | None = None
    title: str | None = None


def id_number_hash(secret_key: str, id_number: str) -> str:
    """HMAC, so that a leaked table does not give identity numbers back by brute force."""
    normalised = id_number.strip().upper()
    return hmac.new(secret_key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


async def _person_id(session: AsyncSession, secret_key: str, link: PersonLink, reusable: dict[str, int]) -> int:
    if link.id_number:
        digest = id_number_hash(secret_key, link.id_number)
        # Two registrations may name the same new person at once: insert-if-absent,
        # then read, so neither fails on the unique hash.
        await insert_if_absent(session, Person, {"id_number_hash": digest}, ["id_number_hash"])
        person_id = await session.scalar(select(col(Person.id)).where(col(Person.id_number_hash) == digest))
        assert person_id is not None
        return person_id
    # Without an identity number a person cannot be matched across entities;
    # within one entity, a name already linked without one is the same person.
    if link.name not in reusable:
        person = Person()
        session.add(person)
        await session.flush()
        assert person.id is not None
        reusable[link.name] = person.id
    return reusable[link.name]


async def replace_links(
    session: AsyncSession,
    secret_key: str,
    entity_id: int,
    links: Sequence[PersonLink],
    roles: set[PersonRole],
) -> None:
    """Make the entity's persons in `roles` exactly `links`."""
    current = await session.execute(
        sa_select(col(EntityPerson.name), col(Person.id))
        .join(Person, col(Person.id) == EntityPerson.person_id)
        .where(col(EntityPerson.entity_id) == entity_id, col(Person.id_number_hash).is_(None))
    )
    reusable: dict[str, int] = {name: person_id for name, person_id in current.all() if person_id is not None}
    await session.execute(
        delete(EntityPerson).where(
            col(EntityPerson.entity_id) == entity_id,
            col(EntityPerson.role).in_(sorted(roles)),
        )
    )
    seen: set[tuple[int, PersonRole]] = set()
    for link in links:
        person_id = await _person_id(session, secret_key, link, reusable)
        if (person_id, link.role) in seen:
            continue
        seen.add((person_id, link.role))
        session.add(
            EntityPerson(
                entity_id=entity_id,
                person_id=person_id,
                role=link.role,
                name=link.name,
                share_percent=link.share_percent,
                title=link.title,
            )
        )
    await session.flush()


async def links_of(session: AsyncSession, entity_ids: Sequence[int]) -> list[PersonInEntity]:
    """Every person of these entities, in one statement; plain rows, no ORM objects,
    because a page of entities reads hundreds of them."""
    if not entity_ids:
        return []
    rows = await session.execute(
        sa_select(
            col(EntityPerson.entity_id),
            col(EntityPerson.person_id),
            col(EntityPerson.name),
            col(EntityPerson.role),
            col(EntityPerson.share_percent),
            col(EntityPerson.title),
        )
        .where(col(EntityPerson.entity_id).in_(list(entity_ids)))
        .order_by(col(EntityPerson.entity_id), *PERSON_ORDER)
    )
    secret_key = secret_key_of(session)
    return [
        PersonInEntity(entity_id, person_key(secret_key, person_id), name, role, share, title)
        for entity_id, person_id, name, role, share, title in rows.all()
    ]
