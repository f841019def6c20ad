"""The reference scanner: a full ``ast`` walk of a module, finding everything that ties it to another package.

It is the definition of what a scan finds; :mod:`django_layers.fast_scan` must find the same, faster.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from django_layers.references import (
    DYNAMIC_IMPORT,
    GET_MODEL,
    IMPORT,
    MODEL_FIELD,
    SWAPPABLE_DEFAULT,
    TYPE_CHECKING_IMPORT,
    Reference,
)

MODEL_FIELD_CALLS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})
DYNAMIC_IMPORT_CALLS = frozenset({"import_module", "__import__"})
CALL_NAMES = MODEL_FIELD_CALLS | DYNAMIC_IMPORT_CALLS | {"get_model", "getattr"}
"""Every callable name whose calls can reference another package (the fast scanner looks for these)."""

LAZY_MODEL = re.compile(r"([A-Za-z_]\w*)\.([A-Za-z_]\w*)\Z")
"""A lazy model reference, ``"app_label.ModelName"``."""


def scan_tree(tree: ast.AST) -> list[Reference]:
    """Every reference in a parsed module, in source order of discovery (sort them to compare)."""
    found: list[Reference] = []
    pending: list[tuple[ast.AST, bool]] = [(tree, False)]
    while pending:
        node, type_checking = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend(import_references(node, type_checking=type_checking))
            continue
        if isinstance(node, ast.Call):
            found.extend(call_references(node))
        if isinstance(node, ast.If) and is_type_checking_test(node.test):
            pending.append((node.test, type_checking))
            pending.extend((child, True) for child in node.body)
            pending.extend((child, type_checking) for child in node.orelse)
            continue
        pending.extend((child, type_checking) for child in ast.iter_child_nodes(node))
    return found


def scan_source(source: bytes | str) -> list[Reference]:
    """Parse ``source`` and scan it whole. Raises ``SyntaxError`` (or ``ValueError``) for invalid Python."""
    return scan_tree(ast.parse(source))


def is_type_checking_test(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:`` (any module prefix)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def import_references(node: ast.Import | ast.ImportFrom, *, type_checking: bool) -> Iterable[Reference]:
    """The modules an ``import`` or ``from ... import`` statement names."""
    kind = TYPE_CHECKING_IMPORT if type_checking else IMPORT
    if isinstance(node, ast.Import):
        return [Reference(node.lineno, kind, alias.name) for alias in node.names]
    names = tuple(alias.name for alias in node.names)
    return [Reference(node.lineno, kind, node.module or "", node.level, names)]


def called_name(call: ast.Call) -> str | None:
    """``f`` for ``f(...)`` and ``x.y.f(...)``; None for anything else."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def call_references(call: ast.Call) -> list[Reference]:
    """The references one call makes through string literals (not those of calls nested inside it)."""
    name = called_name(call)
    if name in MODEL_FIELD_CALLS:
        return model_field_references(call)
    if name in DYNAMIC_IMPORT_CALLS:
        return dynamic_import_references(call, name)
    if name == "get_model":
        return get_model_references(call)
    if name == "getattr":
        return swappable_default_references(call)
    return []


def argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    """The argument at ``position``, or passed as ``keyword``."""
    if len(call.args) > position and not any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
        return call.args[position]
    for passed in call.keywords:
        if passed.arg == keyword:
            return passed.value
    return None


def string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def lazy_model_reference(node: ast.expr | None, kind: str) -> list[Reference]:
    """A ``"app_label.Model"`` literal as a reference to the app label."""
    value = string_value(node)
    match = LAZY_MODEL.match(value) if value is not None else None
    if node is None or match is None:
        return []
    return [Reference(node.lineno, kind, match.group(1), 0, (match.group(2),))]


def model_field_references(call: ast.Call) -> list[Reference]:
    """``ForeignKey("app.Model")``, ``to="app.Model"`` and a many-to-many ``through="app.Model"``."""
    found = lazy_model_reference(argument(call, 0, "to"), MODEL_FIELD)
    for passed in call.keywords:
        if passed.arg == "through":
            found.extend(lazy_model_reference(passed.value, MODEL_FIELD))
    return found


def get_model_references(call: ast.Call) -> list[Reference]:
    """``apps.get_model("app_label", "Model")`` and ``apps.get_model("app_label.Model")``."""
    first = argument(call, 0, "app_label")
    label = string_value(first)
    if first is None or label is None:
        return []
    model = string_value(argument(call, 1, "model_name"))
    if model is not None:
        return [Reference(first.lineno, GET_MODEL, label, 0, (model,))]
    return lazy_model_reference(first, GET_MODEL)


def swappable_default_references(call: ast.Call) -> list[Reference]:
    """``getattr(settings, "SOME_MODEL", "app_label.Model")``: the default of a swappable model setting."""
    if len(call.args) != 3 or call.keywords:
        return []
    holder = call.args[0]
    holder_name = holder.id if isinstance(holder, ast.Name) else getattr(holder, "attr", None)
    if holder_name != "settings":
        return []
    return lazy_model_reference(call.args[2], SWAPPABLE_DEFAULT)


def dynamic_import_references(call: ast.Call, name: str) -> list[Reference]:
    """``importlib.import_module("a.b")``, ``import_module(".b", "a")`` and ``__import__("a.b")``."""
    first = argument(call, 0, "name")
    module = string_value(first)
    if first is None or not module:
        return []
    if name == "__import__":
        level_node = argument(call, 4, "level")
        level = level_node.value if isinstance(level_node, ast.Constant) and type(level_node.value) is int else 0
        return [Reference(first.lineno, DYNAMIC_IMPORT, module, max(level, 0))]
    level = len(module) - len(module.lstrip("."))
    module = module[level:]
    package = string_value(argument(call, 1, "package"))
    if level and package:
        # importlib resolves ".b" against a literal package itself: do it now, no file context needed.
        base = package.rsplit(".", level - 1)[0] if level > 1 else package
        return [Reference(first.lineno, DYNAMIC_IMPORT, f"{base}.{module}" if module else base)]
    return [Reference(first.lineno, DYNAMIC_IMPORT, module, level)]


def find_app_labels(source: bytes | str) -> list[str]:
    """Labels of the ``AppConfig`` subclasses a module defines (``label``, else the last part of ``name``)."""
    labels: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef) or not any(_is_app_config_base(base) for base in node.bases):
            continue
        attributes: dict[str, str] = {}
        for statement in node.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], string_value(statement.value)
            elif isinstance(statement, ast.AnnAssign):
                target, value = statement.target, string_value(statement.value)
            else:
                continue
            if isinstance(target, ast.Name) and value:
                attributes[target.id] = value
        if "label" in attributes:
            labels.append(attributes["label"])
        elif "name" in attributes:
            labels.append(attributes["name"].rpartition(".")[2])
    return labels


def _is_app_config_base(base: ast.expr) -> bool:
    name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
    return name.endswith("AppConfig")
