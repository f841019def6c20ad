"""The rules: layers, declared dependencies, independence, cycles; and whether TYPE_CHECKING imports count."""

from __future__ import annotations

from pathlib import Path

from .conftest import LAYERS_YAML, check, pyproject, rules_broken, write_files

TYPE_CHECKING_IMPORT = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import django_top\n"


def configure(root: Path, extra: str = "", base: str = LAYERS_YAML) -> None:
    (root / "layers.yaml").write_text(base + extra, encoding="utf-8")


def test_the_clean_repo_has_no_violations(repo: Path):
    assert check(repo).new == []


def test_importing_a_higher_layer_is_a_layer_violation(repo: Path):
    write_files(repo, {"packages/base/src/django_base/models.py": "from django.db import models\nimport django_top\n"})
    assert ("layer", "packages/base/src/django_base/models.py", 2, "django_base", "django_top") in rules_broken(
        check(repo)
    )


def test_the_layer_message_names_both_layers(repo: Path):
    write_files(repo, {"packages/base/src/django_base/x.py": "import django_top\n"})
    (violation,) = [v for v in check(repo).new if v.rule == "layer"]
    assert violation.message == "foundation package django_base may not depend on django_top of the higher layer top"


def test_a_lazy_model_reference_to_a_higher_layer_is_a_layer_violation(repo: Path):
    write_files(repo, {"packages/base/src/django_base/x.py": "x = models.ForeignKey('django_top.Thing')\n"})
    (violation,) = [v for v in check(repo).new if v.rule == "layer"]
    assert (violation.kind, violation.target, violation.line) == ("model-field", "django_top.Thing", 1)


def test_same_layer_imports_pass_under_same_or_lower(repo: Path):
    write_files(repo, {"packages/core/src/django_core/x.py": "import django_other\n"})
    assert [v.rule for v in check(repo).new] == ["undeclared"]


def test_same_layer_imports_fail_under_lower_only(repo: Path):
    configure(repo, base=LAYERS_YAML.replace("same_or_lower", "lower_only"))
    write_files(repo, {"packages/core/src/django_core/x.py": "import django_other\n"})
    assert "layer" in [v.rule for v in check(repo).new]


def test_a_layer_rule_applies_to_imports_made_by_its_packages(repo: Path):
    configure(
        repo,
        base=LAYERS_YAML.replace(
            "packages: [django_core, django_other]", "packages: [django_core, django_other]\n    rule: lower_only"
        ),
    )
    write_files(repo, {"packages/core/src/django_core/x.py": "import django_other\n"})
    (violation,) = [v for v in check(repo).new if v.rule == "layer"]
    assert "lower_only" in violation.message


def test_an_allow_exception_lifts_the_layer_rule(repo: Path):
    configure(repo, "allow:\n  django_base: [django_top]\n")
    write_files(repo, {"packages/base/src/django_base/x.py": "import django_top\n"})
    assert [v.rule for v in check(repo).new] == ["cycle", "undeclared"]  # django_top imports django_base


def test_importing_an_undeclared_sibling_is_a_violation(repo: Path):
    write_files(repo, {"packages/core/src/django_core/x.py": "from django_other import thing\n"})
    (violation,) = check(repo).new
    assert (violation.rule, violation.importer, violation.imported) == ("undeclared", "django_core", "django_other")
    assert "packages/core/pyproject.toml does not list django-primitives-other" in violation.message


def test_a_lazy_reference_to_an_undeclared_sibling_is_a_violation(repo: Path):
    write_files(repo, {"packages/core/src/django_core/x.py": "apps.get_model('django_other.Thing')\n"})
    assert [(v.rule, v.kind) for v in check(repo).new] == [("undeclared", "get-model")]


def test_undeclared_can_be_switched_off(repo: Path):
    configure(repo, "  undeclared: false\n")
    write_files(repo, {"packages/core/src/django_core/x.py": "import django_other\n"})
    assert check(repo).new == []


def test_packages_of_one_distribution_need_not_declare_each_other(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: low\n    packages: [a]\n  - name: high\n    packages: [b]\n",
            "pyproject.toml": '[project]\nname = "mine"\ndependencies = []\n',
            "src/a/__init__.py": "",
            "src/b/__init__.py": "import a\n",
        },
    )
    assert check(tmp_path).new == []


def test_a_package_without_a_pyproject_has_no_undeclared_rule(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: low\n    packages: [a]\n  - name: high\n    packages: [b]\n",
            "packages/a/pyproject.toml": '[project]\nname = "a"\n',
            "packages/a/src/a/__init__.py": "",
            "b/__init__.py": "import a\n",
        },
    )
    assert check(tmp_path).new == []


def test_independent_packages_may_not_import_each_other_whatever_their_layers(repo: Path):
    configure(repo, "independence:\n  - name: apart\n    packages: [django_base, django_top]\n")
    write_files(repo, {"packages/top/src/django_top/x.py": "ForeignKey('django_base.Thing')\n"})
    broken = [(v.rule, v.importer, v.imported, v.kind) for v in check(repo).new]
    assert ("independence", "django_top", "django_base", "model-field") in broken
    assert ("independence", "django_top", "django_base", "import") in broken


def test_independence_message_names_the_group(repo: Path):
    configure(repo, "independence:\n  - name: apart\n    packages: [django_core, django_other]\n")
    write_files(
        repo,
        {
            "packages/other/pyproject.toml": pyproject("django-primitives-other", "django-primitives-core"),
            "packages/other/src/django_other/x.py": "import django_core\n",
        },
    )
    (violation,) = check(repo).new
    assert violation.message == "django_other and django_core must stay independent (independence group apart)"


def test_an_allow_exception_lifts_independence(repo: Path):
    configure(
        repo,
        "allow: {django_top: [django_base]}\nindependence:\n  - name: apart\n    packages: [django_base, django_top]\n",
    )
    assert check(repo).new == []


def test_a_dependency_cycle_is_a_violation(repo: Path):
    write_files(
        repo,
        {
            "packages/other/pyproject.toml": pyproject("django-primitives-other", "django-primitives-core"),
            "packages/core/pyproject.toml": pyproject(
                "django-primitives-core", "django-primitives-base", "django-primitives-other"
            ),
            "packages/core/src/django_core/x.py": "import django_other\n",
            "packages/other/src/django_other/y.py": "\n\nimport django_core\n",
        },
    )
    (violation,) = check(repo).new
    assert (violation.rule, violation.cycle, violation.members) == (
        "cycle",
        ("django_core", "django_other", "django_core"),
        ("django_core", "django_other"),
    )
    assert (violation.path, violation.line) == ("packages/core/src/django_core/x.py", 1)
    assert "django_other -> django_core at packages/other/src/django_other/y.py:3" in violation.message


def test_a_cycle_group_larger_than_the_cycle_shown_lists_its_members(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: one\n    packages: [a, b, c]\n",
            "a/__init__.py": "import b\n",
            "b/__init__.py": "import a\nimport c\n",
            "c/__init__.py": "import b\n",
        },
    )
    (violation,) = check(tmp_path).new
    assert violation.cycle == ("a", "b", "a")
    assert violation.message.endswith("the cycle group holds a, b, c")


def test_cycles_can_be_switched_off(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: one\n    packages: [a, b]\nrules: {cycles: false}\n",
            "a/__init__.py": "import b\n",
            "b/__init__.py": "import a\n",
        },
    )
    assert check(tmp_path).new == []


def test_type_checking_imports_count_by_default_and_say_so(repo: Path):
    write_files(
        repo,
        {"packages/base/src/django_base/x.py": TYPE_CHECKING_IMPORT},
    )
    assert {(v.rule, v.kind) for v in check(repo).new} >= {
        ("layer", "type-checking-import"),
        ("undeclared", "type-checking-import"),
    }


def test_type_checking_imports_can_be_ignored(repo: Path):
    configure(repo, "  type_checking_imports: ignore\n")
    write_files(
        repo,
        {"packages/base/src/django_base/x.py": TYPE_CHECKING_IMPORT},
    )
    assert check(repo).new == []


def test_the_type_checking_option_overrides_the_configuration(repo: Path):
    write_files(
        repo,
        {"packages/base/src/django_base/x.py": TYPE_CHECKING_IMPORT},
    )
    assert check(repo, type_checking_imports="ignore").new == []


def test_ignored_paths_are_not_checked(repo: Path):
    write_files(
        repo,
        {
            "packages/base/src/django_base/tests/test_x.py": "import django_top\n",
            "packages/base/src/django_base/migrations/0001_initial.py": "x = ForeignKey('django_top.Thing')\n",
        },
    )
    assert check(repo).new == []
