"""The documentation inside the repository: it points at nothing outside it, and the GraphQL
examples of docs/api.md run against the schema as it is (no database: both engines' runs pass alike)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from graphql import parse, validate

from schema import schema
from tests.conftest import ROOT

API_DOC = ROOT / "docs" / "api.md"
# Spelled in pieces, so this file does not find itself.
OUTSIDE = re.compile(re.escape("../" + "shared") + "|" + re.escape("shared" + "/docs"))
# What people read: the docs, and the code and templates whose strings reach users. Not vendored
# scripts and styles, whose bundled module paths are not ours to word.
READ_BY_PEOPLE = {".md", ".py", ".html", ".graphql", ".txt", ".toml"}
NOT_OURS = {".venv", ".git", "test-artifacts", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
# A GraphQL example: its fences on lines of their own (a closing fence joined to the next
# paragraph leaves the rest of the page rendered as code).
FENCE = re.compile(r"^```graphql\n(.*?)^```$", re.S | re.M)
OPENING = re.compile(r"```[\w+-]*")


def _our_files() -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        found += [Path(folder) / name for name in names if Path(name).suffix in READ_BY_PEOPLE]
    return found


def test_nothing_refers_to_files_outside_the_repository() -> None:
    files = _our_files()
    assert ROOT / "README.md" in files and API_DOC in files
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offending == [], "references to files outside the repository:\n" + "\n".join(offending)


def test_the_docs_folder_has_what_the_readme_links_to() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[\w./-]+\.md)\)", readme))
    for name in ("domain", "api", "cli", "deployment", "architecture"):
        assert f"docs/{name}.md" in linked, f"README.md does not link docs/{name}.md"
    missing = [link for link in linked if not (ROOT / link).is_file()]
    assert missing == [], f"README.md links to missing files: {missing}"
    for doc in (ROOT / "docs").glob("*.md"):
        for link in re.findall(r"\]\(([\w./-]+\.md)\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / link).is_file(), f"{doc.name} links to missing {link}"


def test_every_code_fence_in_the_docs_opens_and_closes_on_a_line_of_its_own() -> None:
    problems = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        opened: int | None = None
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            if "```" not in line:
                continue
            fence = line.strip()
            if opened is None and OPENING.fullmatch(fence):
                opened = number
            elif opened is not None and fence == "```":
                opened = None
            else:
                problems.append(f"{doc.name}:{number}: a fence joined to other text: {fence[:40]}")
                if fence.startswith("```"):
                    opened = None  # read on as if it closed the block: one mistake, one problem
        if opened is not None:
            problems.append(f"{doc.name}:{opened}: a code block never closed")
    assert problems == [], "\n".join(problems)


def test_every_graphql_example_in_the_api_doc_validates_against_the_schema() -> None:
    documents = FENCE.findall(API_DOC.read_text(encoding="utf-8"))
    assert len(documents) >= 15, "docs/api.md lost its examples"
    problems = []
    for document in documents:
        errors = validate(schema._schema, parse(document))
        problems += [f"{document.strip().splitlines()[0]} …: {error.message}" for error in errors]
    assert problems == [], "\n".join(problems)


def test_the_api_doc_cites_only_operations_the_schema_has() -> None:
    text = API_DOC.read_text(encoding="utf-8")
    roots = [schema._schema.query_type, schema._schema.mutation_type, schema._schema.subscription_type]
    operations = {name for root in roots if root is not None for name in root.fields}
    # An operation is cited as `name` or `name(…)` in the prose; fields of types are cited the same way,
    # so only names that look like operations (a known verb) are checked.
    verbs = ("register", "record", "claim", "forward", "return", "give", "withdraw", "repair", "import",
             "list", "delist", "send", "acknowledge", "handle", "upsert", "set", "publish", "create",
             "accept", "approve", "draw", "replace")  # fmt: skip
    cited = {name for name in re.findall(r"`([a-z][A-Za-z]+)[(`]", text) if name.startswith(verbs)}
    # Fields of types and inputs share the verbs (`listedOn`, `registeredCapital`): they are not operations.
    fields = {
        field for kind in schema._schema.type_map.values() for field in getattr(kind, "fields", {}) or {}
    } - operations
    unknown = sorted(cited - operations - fields)
    assert unknown == [], f"docs/api.md cites operations the schema lacks: {unknown}"


def test_the_input_fields_the_api_doc_lists_exist() -> None:
    rows = re.findall(r"^\| `(\w+Input)` \| (.+) \|$", API_DOC.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 9, "docs/api.md lost its table of input fields"
    missing = []
    for name, cells in rows:
        found = schema._schema.get_type(name)
        fields = getattr(found, "fields", {})
        missing += [f"{name}.{field}" for field in re.findall(r"`(\w+)`", cells) if field not in fields]
    assert missing == [], f"docs/api.md lists input fields the schema lacks: {missing}"
