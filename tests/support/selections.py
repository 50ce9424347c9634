"""Random read operations over the types the compiled path covers, for the differential test.

Each operation is valid GraphQL that the compiled path is meant to answer: random fields
(plain and related), aliases, fragments, inline fragments, `__typename`, `@include`/`@skip`
with literals and variables, page sizes and cursors as literals and variables, and filters."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from graphql import parse
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast

import schema as schema_module
from schema import cost

SCALARS: dict[str, list[str]] = {
    "MarketEntity": [
        "uscc", "name", "entityType", "legalRepresentative", "registeredCapital", "establishedOn", "status",
        "regionCode", "address", "industryCode", "businessScope", "businessScopeCodes", "dataQualityIssue",
        "createdAt", "updatedAt", "colour", "longitude", "latitude",
    ],
    "EntityPerson": ["personId", "name", "role", "sharePercent", "title"],
    "Department": ["code", "name", "level", "regionCode", "isRegistrationAuthority", "line"],
    "Region": ["code", "name", "level", "parentCode"],
    "License": [
        "documentNumber", "documentName", "category", "certificateName", "licenseNumber", "content", "decisionDate",
        "validFrom", "validTo", "longTerm", "partyName", "legalRepresentative", "authorityName", "publicUntil",
        "status", "statusReason", "updatedAt",
    ],
    "Penalty": [
        "documentNumber", "violationType", "facts", "basis", "categories", "content", "fineAmount",
        "confiscatedAmount", "revokedLicenseNumber", "decisionDate", "partyName", "legalRepresentative",
        "authorityName", "publicUntil", "status", "statusReason", "updatedAt",
    ],
    "Complaint": ["reference", "receivedOn", "category", "summary", "resolved", "resolvedOn"],
    "Notice": [
        "id", "status", "pushedAt", "deadline", "claimedAt", "note", "feedbackKind", "licenseNumber", "feedbackNote",
        "feedbackAt", "reason",
    ],
    "Listing": [
        "id", "kind", "reason", "facts", "documentNumber", "listedOn", "removedOn", "removalReason", "removalNote",
        "escalationRemindedAt", "createdAt", "updatedAt",
    ],
}  # fmt: skip
OBJECTS: dict[str, list[tuple[str, str]]] = {
    "MarketEntity": [("registrationAuthority", "Department"), ("region", "Region")],
    "Department": [("region", "Region")],
    "License": [("sourceDepartment", "Department")],
    "Penalty": [("sourceDepartment", "Department")],
    "Complaint": [("sourceDepartment", "Department")],
    "Notice": [("department", "Department")],
    "Listing": [("department", "Department"), ("removedBy", "Department")],
}
# withinBox: the demo city's centre (edges as strings), and a square degree around it (as numbers).
BOXES: list[dict[str, Any]] = [
    {"west": "121.55", "south": "38.86", "east": "121.7", "north": "38.95"},
    {"west": 121, "south": 38, "east": 122, "north": 39},
]
# matterCode: demo matters of a market regulator's and of a health bureau's notices.
MATTERS = ["SP-XS", "SP-CY", "WS-CY"]
LISTS = [("persons", "EntityPerson"), ("notices", "Notice"), ("listings", "Listing")]
RECORDS = [("licenses", "License"), ("penalties", "Penalty"), ("complaints", "Complaint")]


@dataclass
class Operation:
    query: str
    variables: dict[str, Any] = field(default_factory=dict)


@dataclass
class Facts:
    """What the generator draws values from: real codes and cursors of the database."""

    usccs: list[str]
    names: list[str]
    cursors: list[str]
    regions: list[str]
    record_cursors: dict[str, list[str]]  # by record list: cursors of rows of any entity


class Generator:
    def __init__(self, seed: int, facts: Facts) -> None:
        self.random = random.Random(seed)
        self.facts = facts
        self.fragments: dict[str, str] = {}
        self.declared: dict[str, str] = {}
        self.variables: dict[str, Any] = {}
        self.aliases = 0

    def operation(self) -> Operation:
        """A random read within the cost limit (schema.cost): one above it is refused by both paths
        alike (tests/test_query_cost.py), so it is drawn again."""
        while True:
            operation = self.draw()
            if _within_cost(operation):
                return operation
            self.fragments, self.declared, self.variables, self.aliases = {}, {}, {}, 0

    def draw(self) -> Operation:
        count = self.random.choice([1, 1, 1, 2])
        roots = [self.root(f"r{n}: " if count > 1 else "") for n in range(count)]
        declarations = ", ".join(f"${name}: {kind}" for name, kind in self.declared.items())
        head = f"query Generated({declarations})" if declarations else self.random.choice(["query", "", "query Q"])
        body = head + " { " + " ".join(roots) + " }"
        return Operation(body + "".join(self.fragments.values()), self.variables)

    # -- pieces ----------------------------------------------------------------------------------
    def variable(self, kind: str, value: Any) -> str:
        name = f"v{len(self.declared)}"
        self.declared[name] = kind
        self.variables[name] = value
        return f"${name}"

    def alias(self, name: str) -> str:
        if self.aliases < 6 and self.random.random() < 0.15:
            self.aliases += 1
            return f"a{self.aliases}: {name}"
        return name

    def directive(self) -> str:
        roll = self.random.random()
        if roll < 0.05:
            return " @include(if: false)"
        if roll < 0.1:
            return " @skip(if: " + self.variable("Boolean!", self.random.random() < 0.5) + ")"
        if roll < 0.15:
            return " @include(if: " + self.variable("Boolean!", self.random.random() < 0.5) + ")"
        return ""

    def selection(self, type_name: str, depth: int) -> str:
        chosen = self.random.sample(SCALARS[type_name], self.random.randint(1, min(6, len(SCALARS[type_name]))))
        parts = [self.alias(name) + self.directive() for name in chosen]
        if self.random.random() < 0.2:
            parts.append("__typename")
        for name, target in OBJECTS.get(type_name, []):
            if depth < 3 and self.random.random() < 0.3:
                parts.append(f"{self.alias(name)} {{ {self.selection(target, depth + 1)} }}")
        if type_name == "MarketEntity" and depth < 3:
            for name, target in LISTS:
                if self.random.random() < 0.3:
                    parts.append(f"{self.alias(name)} {{ {self.selection(target, depth + 1)} }}")
            for name, target in RECORDS:
                if self.random.random() < 0.25:
                    arguments = self.page_arguments(nested=name)
                    parts.append(self.alias(name) + arguments + self.connection(target, depth))
        self.random.shuffle(parts)
        if self.random.random() < 0.15:
            return self.fragment(type_name, " ".join(parts))
        if self.random.random() < 0.1:
            return f"... on {type_name} {{ {' '.join(parts)} }}"
        return " ".join(parts)

    def fragment(self, type_name: str, body: str) -> str:
        name = f"F{len(self.fragments)}"
        self.fragments[name] = f" fragment {name} on {type_name} {{ {body} }}"
        extra = self.random.choice(SCALARS[type_name])
        return f"...{name} {extra}"

    def connection(self, node_type: str, depth: int) -> str:
        parts = []
        if self.random.random() < 0.8:
            parts.append(f"edges {{ {'cursor ' if self.random.random() < 0.5 else ''}node {{ "
                         f"{self.selection(node_type, depth + 1)} }} }}")  # fmt: skip
        if self.random.random() < 0.5:
            info = self.random.sample(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"], 2)
            parts.append(f"pageInfo {{ {' '.join(info)} }}")
        if self.random.random() < 0.4 or not parts:
            # Without edges or pageInfo (or with only hasPreviousPage) no page needs reading.
            parts.append(self.random.choice(["totalCount", "pageInfo { hasPreviousPage } totalCount"]))
        if self.random.random() < 0.1:
            parts.append("__typename")
        return " { " + " ".join(parts) + " }"

    def page_arguments(self, nested: str = "", cursors_of: str = "") -> str:
        """`first` and `after` of a root list, or of an entity's record list named `nested`; the
        cursors of `cursors_of` when a root list has cursors of its own kind (searchEntities)."""
        arguments = []
        if self.random.random() < 0.6:
            size = self.random.choice([1, 2, 3, 5, 20, 100])
            arguments.append(
                f"first: {self.variable('Int', size) if not nested and self.random.random() < 0.5 else size}"
            )
        cursors = self.facts.record_cursors[nested or cursors_of] if nested or cursors_of else self.facts.cursors
        if cursors and self.random.random() < 0.3:
            cursor = self.random.choice(cursors)
            arguments.append(
                f"after: {self.variable('String', cursor) if self.random.random() < 0.5 else repr_(cursor)}"
            )
        return f"({', '.join(arguments)})" if arguments else ""

    def root(self, named: str) -> str:
        """A root field; `named` gives it an alias of its own when the operation has several."""
        roll = self.random.random()
        if roll < 0.35:
            code = self.random.choice(self.facts.usccs)
            code = self.random.choice([code, code.lower(), f"  {code} "])
            given = self.variable("String!", code) if self.random.random() < 0.6 else repr_(code)
            field = named + "entity" if named else self.alias("entity")
            return f"{field}(uscc: {given}) {{ {self.selection('MarketEntity', 0)} }}"
        if roll < 0.75:
            arguments = self.page_arguments()
            flt = self.filter()
            if flt:
                arguments = f"({flt}{', ' + arguments[1:-1] if arguments else ''})"
            return (
                (named + "entities" if named else self.alias("entities"))
                + arguments
                + self.connection("MarketEntity", 0)
            )
        text = self.random.choice([name[1:3] for name in self.facts.names] + ["公司", "有限"])
        given = self.variable("String!", text) if self.random.random() < 0.5 else repr_(text)
        arguments = self.page_arguments(cursors_of="searchEntities")
        arguments = f"(text: {given}{', ' + arguments[1:-1] if arguments else ''})"
        return (
            (named + "searchEntities" if named else self.alias("searchEntities"))
            + arguments
            + self.connection("MarketEntity", 0)
        )

    def filter(self) -> str:
        if self.random.random() < 0.5:
            return ""
        fields = []
        if self.random.random() < 0.5:
            fields.append(f'regionCode: "{self.random.choice(self.facts.regions)}"')
        if self.random.random() < 0.3:
            fields.append(f"colour: {self.random.choice(['GREEN', 'YELLOW', 'RED', 'BLACK'])}")
        if self.random.random() < 0.3:
            fields.append(f'industryCode: "{self.random.choice(["C", "F5", "I", "M7"])}"')
        if self.random.random() < 0.3:
            fields.append(f'text: "{self.random.choice(self.facts.names)[1:3]}"')
        if self.random.random() < 0.15:
            fields.append(f'matterCode: "{self.random.choice(MATTERS)}"')
        box = self.random.choice([None, *BOXES]) if self.random.random() < 0.2 else None
        if not fields and box is None:
            return ""
        if self.random.random() < 0.5:
            value: dict[str, Any] = {part.split(":")[0]: _literal(part.split(": ", 1)[1]) for part in fields}
            if box is not None:
                value["withinBox"] = box
            return f"filter: {self.variable('EntityFilter', value)}"
        if box is not None:
            edges = ", ".join(
                f"{edge}: {given if isinstance(given, int) else repr_(given)}" for edge, given in box.items()
            )
            fields.append(f"withinBox: {{{edges}}}")
        return "filter: {" + ", ".join(fields) + "}"


def repr_(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(text: str) -> Any:
    return text.strip('"')


def _within_cost(operation: Operation) -> bool:
    schema = schema_module.schema._schema
    document = parse(operation.query)
    found = get_operation_ast(document)
    assert found is not None
    variables = get_variable_values(schema, found.variable_definitions or (), operation.variables)
    assert not isinstance(variables, list), variables
    return cost.refusal(schema, found, cost.fragments_of(document.definitions), variables) is None
