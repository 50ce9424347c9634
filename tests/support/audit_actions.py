"""Every audit action and object type the code can write, read from the source itself.

The audit log shows each action and object type in Chinese (services.platform.audit_labels);
a test compares that table with what this module finds, so a new `audit.record(...)` without
a label fails. Actions are often built: f"penalty.{action}", f"{kind.value}.updated", an
upsert's "region.{change}". Each part is followed back to where its value comes from (a
literal, an assignment in the function, the arguments of every call of the function, an
enum annotation, a module-level table); a part that cannot be followed is reported, so the
test fails rather than miss an action.
"""

from __future__ import annotations

import ast
import importlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_SKIP = {".venv", "tests", "migrations", "node_modules", "test-artifacts", ".git"}


@dataclass
class Found:
    actions: dict[str, set[str]] = field(default_factory=dict)  # action -> where
    object_types: dict[str, set[str]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Module:
    path: str
    tree: ast.Module
    parents: dict[ast.AST, ast.AST]


def _modules() -> list[_Module]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if _SKIP & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        found.append(_Module(str(path.relative_to(ROOT)), tree, parents))
    return found


class _Unresolved(Exception):
    pass


class _Resolver:
    def __init__(self, modules: list[_Module]) -> None:
        self.modules = modules
        self.depth = 0

    def function_of(self, module: _Module, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in module.parents:
            node = module.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def values(self, module: _Module, node: ast.expr) -> set[str]:
        self.depth += 1
        try:
            if self.depth > 30:
                raise _Unresolved(ast.unparse(node))
            return self._values(module, node)
        finally:
            self.depth -= 1

    def _values(self, module: _Module, node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.JoinedStr):
            parts = [
                self.values(module, part.value) if isinstance(part, ast.FormattedValue) else self.values(module, part)
                for part in node.values
            ]
            return {"".join(combo) for combo in itertools.product(*parts)}
        if isinstance(node, ast.IfExp):
            return self.values(module, node.body) | self.values(module, node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, target = node.func.attr, node.func.value
            if method == "lower" and not node.args:
                return {text.lower() for text in self.values(module, target)}
            if method == "format" and not node.args:
                keys = [k.arg for k in node.keywords if k.arg]
                options = [sorted(self.values(module, k.value)) for k in node.keywords if k.arg]
                return {
                    text.format(**dict(zip(keys, combo, strict=True)))
                    for text in self.values(module, target)
                    for combo in itertools.product(*options)
                }
        if isinstance(node, ast.Attribute) and node.attr == "value" and isinstance(node.value, ast.Name):
            enum = self._enum_of(module, node, node.value.id)
            if enum is not None:
                return {str(member.value) for member in enum}
        if isinstance(node, ast.Name):
            return self._name(module, node)
        raise _Unresolved(ast.unparse(node))

    def _enum_of(self, module: _Module, node: ast.AST, name: str) -> type[Enum] | None:
        function = self.function_of(module, node)
        arguments = function.args.args + function.args.kwonlyargs if function else []
        for argument in arguments:
            if argument.arg == name and isinstance(argument.annotation, ast.Name):
                enum = _imported(module, argument.annotation.id)
                if isinstance(enum, type) and issubclass(enum, Enum):
                    return enum
        return None

    def _name(self, module: _Module, node: ast.Name) -> set[str]:
        function = self.function_of(module, node)
        scope: ast.AST = function if function is not None else module.tree
        found: set[str] = set()
        assigned = False
        for statement in ast.walk(scope):
            if not isinstance(statement, ast.Assign):
                continue
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id == node.id:
                    found |= self.values(module, statement.value)
                    assigned = True
                elif isinstance(target, ast.Tuple):
                    names = [t.id if isinstance(t, ast.Name) else None for t in target.elts]
                    if node.id in names:
                        for row in self._rows(module, statement.value):
                            found |= self.values(module, row[names.index(node.id)])
                        assigned = True
        if assigned:
            return found
        if function is not None:
            return self._argument(module, function, node.id)
        raise _Unresolved(node.id)

    def _rows(self, module: _Module, node: ast.expr) -> list[list[ast.expr]]:
        """The tuples an unpacking assignment can take its values from."""
        if isinstance(node, ast.Tuple):
            return [list(node.elts)]
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            for statement in module.tree.body:
                if (
                    isinstance(statement, ast.Assign | ast.AnnAssign)
                    and isinstance(statement.value, ast.Dict)
                    and any(isinstance(t, ast.Name) and t.id == node.value.id for t in _targets(statement))
                ):
                    return [list(v.elts) for v in statement.value.values if isinstance(v, ast.Tuple)]
        raise _Unresolved(ast.unparse(node))

    def _argument(self, module: _Module, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> set[str]:
        """Every value the callers of `function` pass as its parameter `name`."""
        positional = [a.arg for a in function.args.posonlyargs + function.args.args]
        index = positional.index(name) if name in positional else None
        private = function.name.startswith("_")
        found: set[str] = set()
        calls = 0
        for caller in self.modules:
            if private and caller is not module:
                continue
            for call in ast.walk(caller.tree):
                if not isinstance(call, ast.Call):
                    continue
                callee = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
                if callee != function.name:
                    continue
                given = next((k.value for k in call.keywords if k.arg == name), None)
                if given is None and index is not None and index < len(call.args):
                    given = call.args[index]
                if given is not None:
                    calls += 1
                    found |= self.values(caller, given)
        if not calls:
            raise _Unresolved(f"{function.name}({name})")
        return found


def _imported(module: _Module, name: str) -> object:
    """What `name` is bound to by the module's `from … import name`."""
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.ImportFrom)
            and statement.module
            and statement.level == 0
            and any((alias.asname or alias.name) == name for alias in statement.names)
        ):
            return getattr(importlib.import_module(statement.module), name, None)
    return None


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(statement.targets) if isinstance(statement, ast.Assign) else [statement.target]


def _record_calls(module: _Module) -> Iterator[ast.Call]:
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "record"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "audit"
        ):
            yield node


def written_by_the_code() -> Found:
    """The actions and the literal object types of every `audit.record` call outside the tests."""
    modules = _modules()
    resolver = _Resolver(modules)
    found = Found()
    for module in modules:
        for call in _record_calls(module):
            where = f"{module.path}:{call.lineno}"
            arguments = call.args[1:3]
            keywords = {k.arg: k.value for k in call.keywords}
            action = arguments[0] if arguments else keywords.get("action")
            object_type = arguments[1] if len(arguments) > 1 else keywords.get("object_type")
            try:
                assert action is not None
                for value in resolver.values(module, action):
                    found.actions.setdefault(value, set()).add(where)
            except _Unresolved as unknown:
                found.unresolved.append(f"{where}: action {unknown}")
            if isinstance(object_type, ast.Constant) and isinstance(object_type.value, str):
                found.object_types.setdefault(object_type.value, set()).add(where)
    return found
