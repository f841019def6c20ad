"""Reading layers.yaml: the schema, its defaults, and one clear error per kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_layers.config import DEFAULT_IGNORED_PATHS, load_config, parse_config
from django_layers.errors import ConfigError

MINIMAL = "layers:\n  - name: low\n    packages: [a]\n  - name: high\n    packages: [b]\n"


def test_minimal_config_gets_the_documented_defaults():
    config = parse_config(MINIMAL)
    assert [layer.name for layer in config.layers] == ["low", "high"]
    assert config.default_rule == "same_or_lower"
    assert config.undeclared is True
    assert config.cycles is True
    assert config.type_checking_imports == "count"
    assert config.ignored_paths == DEFAULT_IGNORED_PATHS
    assert config.allow == {}
    assert config.independence == ()


def test_packages_know_their_layer_and_order():
    config = parse_config(MINIMAL)
    assert (config.packages["a"].layer, config.packages["a"].layer_index) == ("low", 0)
    assert (config.packages["b"].layer, config.packages["b"].layer_index) == ("high", 1)


def test_a_package_can_be_a_directory_with_a_path():
    config = parse_config("layers:\n  - name: site\n    packages:\n      - {name: example_site, path: example_site}\n")
    assert config.packages["example_site"].path == "example_site"


def test_every_section_is_read():
    config = parse_config(
        MINIMAL
        + "rules: {default: lower_only, undeclared: false, cycles: false, type_checking_imports: ignore}\n"
        + "allow: {a: [b]}\n"
        + "independence:\n  - name: apart\n    packages: [a, b]\n"
        + "ignore: {paths: ['**/legacy/**']}\n"
    )
    assert (config.default_rule, config.undeclared, config.cycles) == ("lower_only", False, False)
    assert config.type_checking_imports == "ignore"
    assert config.allow == {"a": frozenset({"b"})}
    assert [(group.name, group.packages) for group in config.independence] == [("apart", ("a", "b"))]
    assert config.ignored_paths == ("**/legacy/**",)
    assert all(layer.rule == "lower_only" for layer in config.layers)


def test_a_layer_rule_overrides_the_default():
    config = parse_config("layers:\n  - name: low\n    packages: [a]\n    rule: lower_only\n")
    assert config.layers[0].rule == "lower_only"


def test_an_empty_ignore_list_ignores_nothing():
    assert parse_config(MINIMAL + "ignore: {paths: []}\n").ignored_paths == ()


def test_an_ignore_section_without_paths_keeps_the_defaults():
    assert parse_config(MINIMAL + "ignore: {}\n").ignored_paths == DEFAULT_IGNORED_PATHS


def test_load_config_reads_a_file(tmp_path: Path):
    path = tmp_path / "layers.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_config(path).file == str(path)


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: \(file\): no such file"):
        load_config(tmp_path / "nope.yaml")


def test_an_unreadable_file_is_an_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path)  # a directory


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("layers: [\n  - : bad\n", "line 2", "invalid YAML"),
        ("", "layers", "the file is empty"),
        ("- a\n", "(top level)", "must be a mapping"),
        ("rules: {}\n", "layers", "missing"),
        (MINIMAL + "colour: red\n", "colour", "unknown key"),
        ("layers: {}\n", "layers", "must be a list"),
        ("layers: []\n", "layers", "must not be empty"),
        ("layers: [low]\n", "layers[0]", "must be a mapping"),
        ("layers:\n  - packages: [a]\n", "layers[0].name", "missing"),
        ("layers:\n  - name: low\n", "layers[0].packages", "missing"),
        ("layers:\n  - name: low\n    packages: [a]\n    size: 3\n", "layers[0].size", "unknown key"),
        ("layers:\n  - name: 3\n    packages: [a]\n", "layers[0].name", "must be a non-empty string, not a number"),
        (
            "layers:\n  - name: x\n    packages: [a]\n  - name: x\n    packages: [b]\n",
            "layers[1].name",
            "defined twice",
        ),
        ("layers:\n  - name: low\n    packages: a\n", "layers[0].packages", "must be a list, not a string"),
        ("layers:\n  - name: low\n    packages: [a-b]\n", "layers[0].packages[0]", "not an importable module name"),
        (
            "layers:\n  - name: low\n    packages: [a]\n  - name: high\n    packages: [a]\n",
            "layers[1].packages[0]",
            "already in layer 'low'",
        ),
        ("layers:\n  - name: low\n    packages: [{path: x}]\n", "layers[0].packages[0].name", "missing"),
        ("layers:\n  - name: low\n    packages: [{name: a, where: x}]\n", "layers[0].packages[0].where", "unknown key"),
        (
            "layers:\n  - name: low\n    packages: [{name: a, path: /abs}]\n",
            "layers[0].packages[0].path",
            "must be a relative path",
        ),
        (
            "layers:\n  - name: low\n    packages: [{name: a, path: ../up}]\n",
            "layers[0].packages[0].path",
            "must be a relative path",
        ),
        ("layers:\n  - name: low\n    packages: [a]\n    rule: upward\n", "layers[0].rule", "unknown value 'upward'"),
        (MINIMAL + "rules: [same_or_lower]\n", "rules", "must be a mapping, not a list"),
        (MINIMAL + "rules: {default: sideways}\n", "rules.default", "unknown value 'sideways'"),
        (MINIMAL + "rules: {strict: true}\n", "rules.strict", "unknown key"),
        (MINIMAL + "rules: {undeclared: 'yes'}\n", "rules.undeclared", "must be true or false, not a string"),
        (MINIMAL + "rules: {cycles: null}\n", "rules.cycles", "must be true or false, not null"),
        (MINIMAL + "rules: {type_checking_imports: maybe}\n", "rules.type_checking_imports", "unknown value"),
        (MINIMAL + "allow: [a]\n", "allow", "must be a mapping"),
        (MINIMAL + "allow: {zz: [a]}\n", "allow.zz", "'zz' is not a package of any layer"),
        (MINIMAL + "allow: {a: [zz]}\n", "allow.a[0]", "'zz' is not a package of any layer"),
        (MINIMAL + "allow: {a: b}\n", "allow.a", "must be a list"),
        (MINIMAL + "independence: {a: b}\n", "independence", "must be a list"),
        (MINIMAL + "independence:\n  - name: x\n", "independence[0].packages", "missing"),
        (MINIMAL + "independence:\n  - name: x\n    packages: [a, a]\n", "independence[0].packages", "at least two"),
        (
            MINIMAL + "independence:\n  - name: x\n    packages: [a, zz]\n",
            "independence[0].packages[1]",
            "not a package",
        ),
        (MINIMAL + "ignore: ['**/tests/**']\n", "ignore", "must be a mapping"),
        (MINIMAL + "ignore: {paths: '**/tests/**'}\n", "ignore.paths", "must be a list"),
        (MINIMAL + "ignore: {paths: [3]}\n", "ignore.paths[0]", "must be a non-empty string"),
        (MINIMAL + "ignore: {globs: []}\n", "ignore.globs", "unknown key"),
    ],
)
def test_configuration_errors_name_the_file_and_key(text: str, key: str, problem: str):
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "conf/layers.yaml")
    assert str(raised.value).startswith(f"conf/layers.yaml: {key}")
    assert problem in raised.value.problem
