"""Reading ``layers.yaml`` into a validated :class:`Config`; every problem is a :class:`ConfigError`."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml

from django_layers.errors import ConfigError

SAME_OR_LOWER = "same_or_lower"
LOWER_ONLY = "lower_only"
LAYER_RULES = (SAME_OR_LOWER, LOWER_ONLY)
COUNT = "count"
IGNORE = "ignore"
TYPE_CHECKING_CHOICES = (COUNT, IGNORE)
DEFAULT_IGNORED_PATHS = ("**/tests/**", "**/migrations/**")
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\Z")

TOP_LEVEL_KEYS = ("layers", "rules", "allow", "independence", "ignore")
LAYER_KEYS = ("name", "packages", "rule")
PACKAGE_KEYS = ("name", "path")
RULES_KEYS = ("default", "undeclared", "cycles", "type_checking_imports")
INDEPENDENCE_KEYS = ("name", "packages")
IGNORE_KEYS = ("paths",)


class PackageSpec(NamedTuple):
    """A package as the configuration names it: an import name, or a directory (``path``) of loose modules."""

    name: str
    layer: str
    layer_index: int
    path: str | None = None


class Layer(NamedTuple):
    name: str
    index: int  # type: ignore[assignment]  # the tier's position, shadowing tuple.index (unused on a Layer)
    rule: str
    packages: tuple[str, ...]


class Independence(NamedTuple):
    """A named group of packages none of which may depend on another, whatever their layers."""

    name: str
    packages: tuple[str, ...]


class Config(NamedTuple):
    """The validated content of a ``layers.yaml``."""

    file: str
    layers: tuple[Layer, ...]
    packages: dict[str, PackageSpec]
    allow: dict[str, frozenset[str]]
    default_rule: str = SAME_OR_LOWER
    undeclared: bool = True
    cycles: bool = True
    type_checking_imports: str = COUNT
    independence: tuple[Independence, ...] = ()
    ignored_paths: tuple[str, ...] = DEFAULT_IGNORED_PATHS


def load_config(path: str | Path) -> Config:
    """Read and validate the configuration file at ``path``. Raises :class:`ConfigError`."""
    display = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(display, "(file)", "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(display, "(file)", f"cannot be read: {error}") from None
    return parse_config(text, display)


def parse_config(text: str, file: str = "layers.yaml") -> Config:
    """Validate the YAML ``text`` of a configuration; ``file`` names it in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(file, where, f"invalid YAML: {problem}") from None
    return _ConfigReader(file).read(data)


class _ConfigReader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.file, key, problem)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a mapping, not {_type_name(value)}")
        for name in value:
            if name not in allowed:
                where = f"{key}.{name}" if key != "(top level)" else str(name)
                raise self.fail(where, f"unknown key (expected one of: {', '.join(allowed)})")
        return value

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {_type_name(value)}")
        return value

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {_type_name(value)}")
        return value

    def choice(self, value: Any, key: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.fail(key, f"unknown value {value!r} (expected one of: {', '.join(choices)})")
        return value

    def sequence(self, value: Any, key: str, *, allow_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list, not {_type_name(value)}")
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        return value

    def module_name(self, value: Any, key: str) -> str:
        name = self.string(value, key)
        if not MODULE_NAME.match(name):
            raise self.fail(key, f"{name!r} is not an importable module name")
        return name

    def read(self, data: Any) -> Config:
        if data is None:
            raise self.fail("layers", "missing (the file is empty)")
        data = self.mapping(data, "(top level)", TOP_LEVEL_KEYS)
        if "layers" not in data:
            raise self.fail("layers", "missing")
        rules = {} if data.get("rules") is None else self.mapping(data["rules"], "rules", RULES_KEYS)
        default_rule = self.choice(rules.get("default", SAME_OR_LOWER), "rules.default", LAYER_RULES)
        layers, packages = self.read_layers(data["layers"], default_rule)
        return Config(
            file=self.file,
            layers=layers,
            packages=packages,
            default_rule=default_rule,
            undeclared=self.boolean(rules.get("undeclared", True), "rules.undeclared"),
            cycles=self.boolean(rules.get("cycles", True), "rules.cycles"),
            type_checking_imports=self.choice(
                rules.get("type_checking_imports", COUNT), "rules.type_checking_imports", TYPE_CHECKING_CHOICES
            ),
            allow=self.read_allow(data.get("allow"), packages),
            independence=self.read_independence(data.get("independence"), packages),
            ignored_paths=self.read_ignore(data.get("ignore")),
        )

    def read_layers(self, value: Any, default_rule: str) -> tuple[tuple[Layer, ...], dict[str, PackageSpec]]:
        layers: list[Layer] = []
        packages: dict[str, PackageSpec] = {}
        for index, entry in enumerate(self.sequence(value, "layers")):
            key = f"layers[{index}]"
            entry = self.mapping(entry, key, LAYER_KEYS)
            for required in ("name", "packages"):
                if required not in entry:
                    raise self.fail(f"{key}.{required}", "missing")
            name = self.string(entry["name"], f"{key}.name")
            if any(layer.name == name for layer in layers):
                raise self.fail(f"{key}.name", f"layer {name!r} is defined twice")
            rule = self.choice(entry.get("rule", default_rule), f"{key}.rule", LAYER_RULES)
            names = []
            for position, item in enumerate(self.sequence(entry["packages"], f"{key}.packages")):
                spec = self.read_package(item, f"{key}.packages[{position}]", name, index)
                if spec.name in packages:
                    raise self.fail(
                        f"{key}.packages[{position}]",
                        f"package {spec.name!r} is already in layer {packages[spec.name].layer!r}",
                    )
                packages[spec.name] = spec
                names.append(spec.name)
            layers.append(Layer(name=name, index=index, rule=rule, packages=tuple(names)))
        return tuple(layers), packages

    def read_package(self, value: Any, key: str, layer: str, layer_index: int) -> PackageSpec:
        if not isinstance(value, dict):
            return PackageSpec(name=self.module_name(value, key), layer=layer, layer_index=layer_index)
        value = self.mapping(value, key, PACKAGE_KEYS)
        if "name" not in value:
            raise self.fail(f"{key}.name", "missing")
        name = self.module_name(value["name"], f"{key}.name")
        path = None
        if "path" in value:
            path = self.string(value["path"], f"{key}.path")
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts:
                raise self.fail(f"{key}.path", f"{path!r} must be a relative path inside the root")
        return PackageSpec(name=name, layer=layer, layer_index=layer_index, path=path)

    def known_package(self, value: Any, key: str, packages: dict[str, PackageSpec]) -> str:
        name = self.string(value, key)
        if name not in packages:
            raise self.fail(key, f"{name!r} is not a package of any layer")
        return name

    def read_allow(self, value: Any, packages: dict[str, PackageSpec]) -> dict[str, frozenset[str]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(
                "allow", f"must be a mapping of package to the packages it may import, not {_type_name(value)}"
            )
        allow: dict[str, frozenset[str]] = {}
        for importer, imported in value.items():
            key = f"allow.{importer}"
            self.known_package(importer, key, packages)
            items = self.sequence(imported, key)
            allow[importer] = frozenset(
                self.known_package(item, f"{key}[{position}]", packages) for position, item in enumerate(items)
            )
        return allow

    def read_independence(self, value: Any, packages: dict[str, PackageSpec]) -> tuple[Independence, ...]:
        if value is None:
            return ()
        groups: list[Independence] = []
        for index, entry in enumerate(self.sequence(value, "independence", allow_empty=True)):
            key = f"independence[{index}]"
            entry = self.mapping(entry, key, INDEPENDENCE_KEYS)
            for required in INDEPENDENCE_KEYS:
                if required not in entry:
                    raise self.fail(f"{key}.{required}", "missing")
            name = self.string(entry["name"], f"{key}.name")
            members = self.sequence(entry["packages"], f"{key}.packages")
            names = tuple(
                self.known_package(item, f"{key}.packages[{position}]", packages)
                for position, item in enumerate(members)
            )
            if len(set(names)) < 2:
                raise self.fail(f"{key}.packages", "needs at least two different packages")
            groups.append(Independence(name=name, packages=names))
        return tuple(groups)

    def read_ignore(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return DEFAULT_IGNORED_PATHS
        value = self.mapping(value, "ignore", IGNORE_KEYS)
        if "paths" not in value:
            return DEFAULT_IGNORED_PATHS
        patterns = self.sequence(value["paths"], "ignore.paths", allow_empty=True)
        return tuple(self.string(pattern, f"ignore.paths[{index}]") for index, pattern in enumerate(patterns))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)
