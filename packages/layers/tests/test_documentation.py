"""The README's schemas and the pre-commit hook agree with the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from django_layers import config
from django_layers.output import json_report
from django_layers.references import ALL_KINDS
from django_layers.violations import RULES

from .conftest import check, write_files

PACKAGE = Path(__file__).resolve().parents[1]
README = PACKAGE / "README.md"

pytestmark = pytest.mark.skipif(not README.is_file(), reason="the README is not beside the tests")


def schema(marker: str) -> dict:
    match = re.search(rf"<!-- {marker} -->\n```json\n(.*?)\n```", README.read_text(encoding="utf-8"), re.S)
    assert match, marker
    return json.loads(match.group(1))


def test_the_config_schema_lists_every_key_the_reader_accepts():
    layers_schema = schema("layers-schema")
    properties = layers_schema["properties"]
    assert tuple(properties) == config.TOP_LEVEL_KEYS
    assert tuple(properties["rules"]["properties"]) == config.RULES_KEYS
    assert tuple(layers_schema["$defs"]["layer"]["properties"]) == ("name", "rule", "packages")
    assert set(layers_schema["$defs"]["layer"]["properties"]) == set(config.LAYER_KEYS)
    package_entry = layers_schema["$defs"]["layer"]["properties"]["packages"]["items"]["anyOf"][1]
    assert tuple(package_entry["properties"]) == config.PACKAGE_KEYS
    assert tuple(properties["independence"]["items"]["properties"]) == config.INDEPENDENCE_KEYS
    assert tuple(properties["ignore"]["properties"]) == config.IGNORE_KEYS


def test_the_config_schema_states_the_reader_defaults_and_choices():
    layers_schema = schema("layers-schema")
    rules = layers_schema["properties"]["rules"]["properties"]
    assert tuple(layers_schema["$defs"]["rule"]["enum"]) == config.LAYER_RULES
    assert tuple(rules["type_checking_imports"]["enum"]) == config.TYPE_CHECKING_CHOICES
    assert (
        tuple(layers_schema["properties"]["ignore"]["properties"]["paths"]["default"]) == config.DEFAULT_IGNORED_PATHS
    )
    assert re.compile(layers_schema["$defs"]["moduleName"]["pattern"]).match("django_ledger.sub")


def test_the_output_schema_lists_every_key_of_the_report(repo: Path):
    write_files(
        repo,
        {
            "packages/base/src/django_base/x.py": "import django_other\n",
            "packages/other/src/django_other/y.py": "import django_base\n",
        },
    )
    report = json_report(check(repo))
    output_schema = schema("output-schema")
    assert set(report) == set(output_schema["properties"]) == set(output_schema["required"])
    assert report["version"] == output_schema["properties"]["version"]["const"]
    assert set(report["summary"]) == set(output_schema["properties"]["summary"]["properties"])
    item = output_schema["properties"]["violations"]["items"]
    cycle = next(v for v in report["violations"] if v["rule"] == "cycle")
    assert set(cycle) == set(item["properties"])
    assert set(item["required"]) == set(item["properties"]) - {"cycle", "members"}
    assert tuple(item["properties"]["rule"]["enum"]) == RULES
    assert set(item["properties"]["kind"]["enum"]) == ALL_KINDS


def test_the_pre_commit_hook_runs_the_check():
    (hook,) = yaml.safe_load((PACKAGE / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "django-layers",
        "django-layers check",
        "python",
        False,
    )
