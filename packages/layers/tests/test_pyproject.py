"""Reading a package's distribution name and declared dependencies."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_layers.pyproject import load_toml, normalize, read_project, requirement_name

PYPROJECT = """\
[build-system]
requires = ["hatchling"]

[project]
name = "Django_Primitives.Ledger"  # the distribution
version = "0.1.0"
dependencies = [
  "Django>=5.2",
  "django-primitives-money[extra]>=0.1; python_version > '3.10'",  # money
  # "django-primitives-commented-out",
  'django_primitives_parties',
]

[project.optional-dependencies]
test = ["pytest"]
"""


def test_names_are_normalized():
    assert normalize("Django_Primitives.Ledger") == "django-primitives-ledger"


@pytest.mark.parametrize(
    ("requirement", "name"),
    [("Django>=5.2", "django"), ("a.b[x] ; python_version<'3'", "a-b"), ("pkg @ https://x", "pkg"), ("", None)],
)
def test_requirement_names(requirement: str, name: str | None):
    assert requirement_name(requirement) == name


def test_read_project_gives_the_name_and_dependencies(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    project = read_project(tmp_path / "pyproject.toml")
    assert project is not None
    assert project.name == "django-primitives-ledger"
    assert project.dependencies == {"django", "django-primitives-money", "django-primitives-parties"}


def test_a_missing_pyproject_is_no_project(tmp_path: Path):
    assert read_project(tmp_path / "pyproject.toml") is None


def test_a_pyproject_without_a_project_name_is_no_project(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 1\n", encoding="utf-8")
    assert read_project(tmp_path / "pyproject.toml") is None


def test_invalid_toml_is_a_value_error(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_project(tmp_path / "pyproject.toml")


def test_load_toml_parses_toml():
    assert load_toml("a = 1\n") == {"a": 1}
