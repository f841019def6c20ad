"""Finding packages in the monorepo, src and flat layouts, and directories of loose modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from django_layers.config import parse_config
from django_layers.discovery import discover_packages, unlisted_monorepo_packages
from django_layers.errors import ConfigError
from django_layers.ignore import PathFilter

from .conftest import pyproject, write_files


def discover(root: Path, yaml_text: str, ignored: tuple[str, ...] = ("**/tests/**",)):
    config = parse_config(yaml_text)
    return {package.name: package for package in discover_packages(config, root, PathFilter(ignored))}


def one_layer(*entries: str) -> str:
    return "layers:\n  - name: only\n    packages:\n" + "".join(f"      - {entry}\n" for entry in entries)


def test_monorepo_layout_with_its_pyproject(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "packages/ledger/pyproject.toml": pyproject("django-primitives-ledger", "django-primitives-money"),
            "packages/ledger/src/django_ledger/__init__.py": "",
            "packages/ledger/src/django_ledger/sub/models.py": "",
        },
    )
    package = discover(tmp_path, one_layer("django_ledger"))["django_ledger"]
    assert package.location == tmp_path / "packages/ledger/src/django_ledger"
    assert [(f.relative, f.module, f.is_package) for f in package.files] == [
        ("packages/ledger/src/django_ledger/__init__.py", "django_ledger", True),
        ("packages/ledger/src/django_ledger/sub/models.py", "django_ledger.sub.models", False),
    ]
    assert package.project.name == "django-primitives-ledger"
    assert package.project.path == Path("packages/ledger/pyproject.toml")
    assert package.project.dependencies == {"django", "django-primitives-money"}


def test_src_layout(tmp_path: Path):
    write_files(tmp_path, {"pyproject.toml": pyproject("mine"), "src/mine/__init__.py": ""})
    package = discover(tmp_path, one_layer("mine"))["mine"]
    assert package.location == tmp_path / "src/mine"
    assert package.project.name == "mine"


def test_flat_layout(tmp_path: Path):
    write_files(tmp_path, {"app/__init__.py": "", "app/views.py": ""})
    package = discover(tmp_path, one_layer("app"))["app"]
    assert [f.module for f in package.files] == ["app", "app.views"]
    assert package.project is None


def test_a_single_module_file(tmp_path: Path):
    write_files(tmp_path, {"helpers.py": "import os\n"})
    package = discover(tmp_path, one_layer("helpers"))["helpers"]
    assert [(f.relative, f.module) for f in package.files] == [("helpers.py", "helpers")]


def test_an_ignored_single_module_file_has_no_files(tmp_path: Path):
    write_files(tmp_path, {"helpers.py": ""})
    assert discover(tmp_path, one_layer("helpers"), ("helpers.py",))["helpers"].files == ()


def test_a_dotted_package_name(tmp_path: Path):
    write_files(tmp_path, {"src/acme/billing/__init__.py": "", "src/acme/billing/models.py": ""})
    package = discover(tmp_path, one_layer("acme.billing"))["acme.billing"]
    assert [f.module for f in package.files] == ["acme.billing", "acme.billing.models"]


def test_a_package_not_under_the_root_has_no_location(tmp_path: Path):
    package = discover(tmp_path, one_layer("django_ledger"))["django_ledger"]
    assert (package.location, package.files, package.project) == (None, (), None)


def test_ignored_hidden_and_cache_directories_are_not_walked(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/tests/test_x.py": "",
            "app/.hidden/x.py": "",
            "app/__pycache__/x.py": "",
            "app/notes.txt": "",
        },
    )
    assert [f.relative for f in discover(tmp_path, one_layer("app"))["app"].files] == ["app/__init__.py"]


def test_a_package_inside_another_takes_its_files(tmp_path: Path):
    write_files(tmp_path, {"app/__init__.py": "", "app/core/__init__.py": "", "app/shortcuts.py": ""})
    packages = discover(tmp_path, one_layer("app", "app.core", "app.shortcuts"))
    assert [f.module for f in packages["app"].files] == ["app"]
    assert [f.module for f in packages["app.core"].files] == ["app.core"]
    assert [f.module for f in packages["app.shortcuts"].files] == ["app.shortcuts"]


def test_a_directory_package_owns_its_loose_modules(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "site/manage.py": "",
            "site/site/__init__.py": "",
            "site/site/settings.py": "",
            "site/demo/__init__.py": "",
            "site/demo/apps.py": "",
            "site/static/x.css": "",
        },
    )
    package = discover(tmp_path, one_layer("{name: example, path: site}"))["example"]
    assert package.import_names == {"example", "manage", "site", "demo"}
    assert sorted(f.module for f in package.files) == ["demo", "demo.apps", "manage", "site", "site.settings"]


def test_a_directory_package_that_is_itself_importable(tmp_path: Path):
    write_files(tmp_path, {"web/__init__.py": "", "web/views.py": ""})
    package = discover(tmp_path, one_layer("{name: frontend, path: web}"))["frontend"]
    assert package.import_names == {"frontend", "web"}
    assert [f.module for f in package.files] == ["web", "web.views"]


def test_a_missing_directory_package_has_no_location(tmp_path: Path):
    assert discover(tmp_path, one_layer("{name: example, path: site}"))["example"].location is None


@pytest.mark.skipif(sys.version_info < (3, 11), reason="without tomllib (Python 3.10) pyproject.toml is read leniently")
def test_an_invalid_pyproject_is_a_configuration_error(tmp_path: Path):
    write_files(tmp_path, {"packages/a/pyproject.toml": "[project\n", "packages/a/src/a/__init__.py": ""})
    with pytest.raises(ConfigError, match=r"packages/a/pyproject\.toml: \(file\): invalid TOML"):
        discover(tmp_path, one_layer("a"))


def test_a_directory_that_cannot_be_listed_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_files(tmp_path, {"app/__init__.py": "", "app/locked/x.py": ""})
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr("django_layers.discovery.os.scandir", scandir)
    assert [f.relative for f in discover(tmp_path, one_layer("app"))["app"].files] == ["app/__init__.py"]


def test_monorepo_packages_in_no_layer_are_listed(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "packages/a/src/django_a/__init__.py": "",
            "packages/b/src/django_b/__init__.py": "",
            "packages/b/src/django_b.egg-info/PKG-INFO": "",
        },
    )
    assert unlisted_monorepo_packages(parse_config(one_layer("django_a")), tmp_path) == ["packages/b/src/django_b"]
