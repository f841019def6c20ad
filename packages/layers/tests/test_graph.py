"""Resolving references to packages: module names, relative imports, app labels; cycles in the graph."""

from __future__ import annotations

from pathlib import Path

from django_layers.config import parse_config
from django_layers.discovery import discover_packages
from django_layers.graph import Dependency, Owners, shortest_cycle, strongly_connected_components
from django_layers.ignore import PathFilter

from .conftest import LAYERS_YAML, check, write_files


def dependencies(root: Path) -> list[tuple[str, int, str, str, str, str]]:
    return [(d.path, d.line, d.importer, d.imported, d.kind, d.target) for d in check(root).graph.dependencies]


def test_the_clean_repo_has_the_expected_dependencies(repo: Path):
    assert dependencies(repo) == [
        ("packages/core/src/django_core/services.py", 1, "django_core", "django_base", "import", "django_base.models"),
        ("packages/top/src/django_top/services.py", 1, "django_top", "django_core", "import", "django_core"),
        ("packages/top/src/django_top/services.py", 2, "django_top", "django_base", "import", "django_base"),
    ]


def test_standard_library_third_party_and_own_imports_are_dropped(repo: Path):
    write_files(
        repo, {"packages/base/src/django_base/x.py": "import os\nimport django.db\nfrom django_base import y\n"}
    )
    assert [d for d in dependencies(repo) if d[0].endswith("/x.py")] == []


def test_relative_imports_resolve_against_the_file(repo: Path):
    write_files(repo, {"packages/core/src/django_core/sub/x.py": "from .. import services\nfrom ...outside import y\n"})
    # the first is the package itself, the second climbs above the top: both dropped
    assert [d for d in dependencies(repo) if d[0].endswith("/x.py")] == []


def test_a_from_import_of_a_package_inside_a_namespace_resolves_through_the_name(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: low\n    packages: [acme.billing]\n"
            "  - name: high\n    packages: [web]\n",
            "src/acme/billing/__init__.py": "",
            "web/__init__.py": "from acme import billing, other\n",
        },
    )
    assert dependencies(tmp_path) == [("web/__init__.py", 1, "web", "acme.billing", "import", "acme.billing")]


def test_lazy_references_resolve_through_the_app_label(repo: Path):
    write_files(
        repo,
        {
            "packages/other/src/django_other/apps.py": (
                "from django.apps import AppConfig\nclass C(AppConfig):\n    name = 'django_other'\n    label = 'oth'\n"
            ),
            "packages/top/src/django_top/models.py": (
                "x = ForeignKey('oth.Thing')\ny = ForeignKey('django_other.Thing')\nz = ForeignKey('auth.User')\n"
            ),
        },
    )
    found = [d for d in dependencies(repo) if d[0].endswith("/models.py")]
    assert found == [
        ("packages/top/src/django_top/models.py", 1, "django_top", "django_other", "model-field", "oth.Thing"),
    ]


def test_a_package_without_an_app_config_gets_the_default_label(repo: Path):
    (repo / "packages/core/src/django_core/apps.py").unlink()
    write_files(repo, {"packages/top/src/django_top/models.py": "apps.get_model('django_core', 'Thing')\n"})
    assert ("django_top", "django_core", "get-model") in {(d[2], d[3], d[4]) for d in dependencies(repo)}


def test_a_package_missing_from_the_tree_still_owns_its_name_and_label(repo: Path):
    write_files(
        repo,
        {
            "layers.yaml": LAYERS_YAML.replace("rules:", "  - name: absent\n    packages: [django_ledger]\nrules:"),
            "packages/base/src/django_base/x.py": "import django_ledger\nForeignKey('django_ledger.Account')\n",
        },
    )
    assert [d[3:5] for d in dependencies(repo) if d[0].endswith("/x.py")] == [
        ("django_ledger", "import"),
        ("django_ledger", "model-field"),
    ]


def test_imports_of_a_directory_package_loose_modules_belong_to_it(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: low\n    packages: [lib]\n  - name: site\n"
            "    packages: [{name: example_site, path: site}]\n",
            "lib/__init__.py": "import demo\n",
            "site/manage.py": "import example_site.settings\n",
            "site/example_site/__init__.py": "",
            "site/example_site/settings.py": "import demo.apps\nimport lib\n",
            "site/demo/__init__.py": "from . import apps\n",
            "site/demo/apps.py": "",
        },
    )
    assert dependencies(tmp_path) == [
        ("lib/__init__.py", 1, "lib", "example_site", "import", "demo"),
        ("site/example_site/settings.py", 2, "example_site", "lib", "import", "lib"),
    ]


def test_a_relative_import_from_a_loose_top_module_is_dropped(tmp_path: Path):
    write_files(
        tmp_path,
        {
            "layers.yaml": "layers:\n  - name: site\n    packages: [{name: s, path: site}]\n",
            "site/manage.py": "from . import x\n",
        },
    )
    assert dependencies(tmp_path) == []


def edges_of(*pairs: str) -> dict[str, dict[str, list[Dependency]]]:
    edges: dict[str, dict[str, list[Dependency]]] = {}
    for pair in pairs:
        importer, imported = pair.split(">")
        edges.setdefault(importer, {})[imported] = [Dependency("x.py", 1, importer, imported, "import", imported)]
    return edges


def test_strongly_connected_components_are_groups_of_mutual_dependencies():
    edges = edges_of("a>b", "b>a", "b>c", "c>d", "d>e", "e>c", "f>a")
    assert strongly_connected_components(edges) == [["a", "b"], ["c", "d", "e"]]


def test_a_graph_without_cycles_has_no_components():
    assert strongly_connected_components(edges_of("a>b", "b>c", "a>c")) == []


def test_the_shortest_cycle_starts_at_the_smallest_member():
    edges = edges_of("a>b", "b>c", "c>a", "b>a")
    assert shortest_cycle(edges, ["a", "b", "c"]) == ["a", "b", "a"]
    assert shortest_cycle(edges_of("a>b", "b>c", "c>a"), ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_owners_know_only_configured_modules(tmp_path: Path):
    config = parse_config("layers:\n  - name: one\n    packages: [acme.billing]\n")
    owners = Owners(discover_packages(config, tmp_path, PathFilter([])), {})
    assert owners.of_module("acme.billing.models") == "acme.billing"
    assert owners.of_module("acme.other") is None
    assert owners.of_module("elsewhere") is None
    assert owners.of_label("billing") == "acme.billing"
