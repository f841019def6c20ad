"""Report formats: text for people, JSON (schema version 1) for programs, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

from django_layers.output import JSON_SCHEMA_VERSION, render

from .conftest import LAYERS_YAML, check, write_files

OFFENDING = "packages/base/src/django_base/x.py"


def broken_repo(repo: Path) -> Path:
    write_files(repo, {OFFENDING: "import django_other\n"})
    return repo


def test_text_names_place_packages_kind_and_rule(repo: Path):
    report = render(check(broken_repo(repo)), "text")
    assert (
        f"{OFFENDING}:1: layer: django_base -> django_other (import django_other): foundation package django_base "
        "may not depend on django_other of the higher layer core"
    ) in report.splitlines()
    assert report.splitlines()[-1] == (
        "django-layers: FAILED, 2 violation(s) (1 layer, 1 undeclared) (15 files in 4 packages)"
    )


def test_text_of_a_clean_check(repo: Path):
    assert render(check(repo), "text") == "django-layers: ok, no violations (14 files in 4 packages)\n"


def test_text_lists_known_and_stale_entries(repo: Path):
    broken_repo(repo)
    entries = [v.baseline_entry() for v in check(repo).violations]
    report = render(check(repo, baseline_entries=[*entries[:1], "layer\tgone.py\ta -> b\timport\tb"]), "text")
    lines = report.splitlines()
    assert lines[1].startswith(f"known: {OFFENDING}:1: layer:")
    assert lines[2:4] == [
        "stale baseline entries (fixed: delete these lines from the baseline):",
        "  layer\tgone.py\ta -> b\timport\tb",
    ]
    assert lines[-1] == (
        "django-layers: FAILED, 1 violation(s) (1 undeclared), 1 known from the baseline, 1 stale baseline entry "
        "(15 files in 4 packages)"
    )


def test_text_of_a_check_whose_violations_are_all_known(repo: Path):
    broken_repo(repo)
    entries = [v.baseline_entry() for v in check(repo).violations]
    assert render(check(repo, baseline_entries=entries), "text").splitlines()[-1] == (
        "django-layers: ok, 2 known from the baseline (15 files in 4 packages)"
    )


def test_text_notes_missing_packages_and_unparsable_files(repo: Path):
    write_files(
        repo,
        {
            "layers.yaml": LAYERS_YAML.replace("rules:", "  - name: more\n    packages: [django_ledger]\nrules:"),
            "packages/base/src/django_base/broken.py": "from django_top import (\n",
        },
    )
    lines = render(check(repo), "text").splitlines()
    assert (
        "note: 1 configured package(s) not found under the root (references to them are still checked): django_ledger"
        in lines
    )
    assert (
        "note: packages/base/src/django_base/broken.py: skipped, not valid Python (line 1: '(' was never closed)"
        in lines
    )


def test_json_follows_the_documented_schema(repo: Path):
    broken_repo(repo)
    entries = [v.baseline_entry() for v in check(repo).violations]
    document = json.loads(render(check(repo, baseline_entries=entries[:1]), "json"))
    assert document["version"] == JSON_SCHEMA_VERSION == 1
    assert document["tool"]["name"] == "django-layers"
    assert document["ok"] is False
    assert document["summary"] == {
        "files": 15,
        "packages": 4,
        "dependencies": 4,
        "violations": 1,
        "known": 1,
        "stale": 0,
    }
    first = document["violations"][0]
    assert first == {
        "rule": "layer",
        "path": OFFENDING,
        "line": 1,
        "importer": "django_base",
        "imported": "django_other",
        "kind": "import",
        "target": "django_other",
        "message": "foundation package django_base may not depend on django_other of the higher layer core",
        "known": True,
        "baseline_entry": entries[0],
    }
    assert document["violations"][1]["known"] is False
    assert {key for key in document} == {
        "version",
        "tool",
        "config",
        "root",
        "ok",
        "summary",
        "violations",
        "stale_baseline_entries",
        "missing_packages",
        "unreadable_files",
        "notes",
    }


def test_json_describes_a_cycle_with_its_packages(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: one\n    packages: [a, b]\n",
            "a/__init__.py": "import b\n",
            "b/__init__.py": "import a\n",
        },
    )
    (cycle,) = json.loads(render(check(tmp_path), "json"))["violations"]
    assert (cycle["rule"], cycle["cycle"], cycle["members"]) == ("cycle", ["a", "b", "a"], ["a", "b"])


def test_github_annotations_point_at_file_and_line(repo: Path):
    broken_repo(repo)
    lines = render(check(repo, baseline_entries=["layer\tgone.py\ta -> b\timport\tb"]), "github").splitlines()
    assert lines[0] == (
        f"::error file={OFFENDING},line=1,title=django-layers layer::django_base -> django_other "
        "(import django_other): foundation package django_base may not depend on django_other of the higher layer core"
    )
    assert (
        lines[2] == "::error title=django-layers stale baseline entry::layer\tgone.py\ta -> b\timport\tb"
        " (delete it from the baseline)"
    )
    assert lines[-1].startswith("django-layers: FAILED")


def test_github_annotations_escape_their_fields(repo: Path):
    write_files(repo, {"packages/base/src/django_base/a,b%.py": "import django_top\n"})
    first = render(check(repo), "github").splitlines()[0]
    assert first.startswith("::error file=packages/base/src/django_base/a%2Cb%25.py,line=1,")


def test_github_turns_notes_into_warnings(repo: Path):
    write_files(
        repo, {"layers.yaml": LAYERS_YAML.replace("rules:", "  - name: more\n    packages: [django_ledger]\nrules:")}
    )
    assert (
        render(check(repo), "github").splitlines()[0].startswith("::warning title=django-layers::1 configured package")
    )


def test_text_notes_monorepo_packages_in_no_layer(repo: Path):
    write_files(repo, {"packages/extra/src/django_extra/__init__.py": ""})
    assert (
        "note: packages/extra/src/django_extra is in no layer: its imports are not checked, "
        "and imports of it count as third-party"
    ) in render(check(repo), "text").splitlines()
