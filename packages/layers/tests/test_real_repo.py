"""The repository's own layers.yaml: the repo passes, and copies with a higher-tier reference injected fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from django_layers.cli import main

REPO = Path(__file__).resolve().parents[3]
COPY_IGNORING = shutil.ignore_patterns(
    ".*", "__pycache__", "*.egg-info", "node_modules", "build", "dist", "*.sqlite3", "media", "screenshots"
)

pytestmark = pytest.mark.skipif(
    not (REPO / "layers.yaml").is_file() or not (REPO / "packages" / "basemodels").is_dir(),
    reason="not inside the django-primitives checkout",
)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The parts of the repository the layer check reads, copied."""
    shutil.copy(REPO / "layers.yaml", tmp_path / "layers.yaml")
    for directory in ("packages", "example_site"):
        if (REPO / directory).is_dir():
            shutil.copytree(REPO / directory, tmp_path / directory, ignore=COPY_IGNORING)
    return tmp_path


def foundation_module(root: Path) -> Path:
    modules = sorted(
        p for p in (root / "packages/basemodels/src/django_basemodels").glob("*.py") if p.name != "__init__.py"
    )
    return modules[0]


def test_the_repository_passes_its_own_layer_check(capsys: pytest.CaptureFixture[str]):
    status = main(["check", "--config", str(REPO / "layers.yaml"), "--root", str(REPO), "--no-cache"])
    assert status == 0, capsys.readouterr().out


def test_a_higher_tier_import_in_a_foundation_module_fails(repo_copy: Path, capsys: pytest.CaptureFixture[str]):
    module = foundation_module(repo_copy)
    lines = module.read_text(encoding="utf-8").count("\n")
    with module.open("a", encoding="utf-8") as stream:
        stream.write("import django_ledger\n")
    status = main(["check", "--config", str(repo_copy / "layers.yaml"), "--root", str(repo_copy), "--no-cache"])
    out = capsys.readouterr().out
    assert status == 1
    relative = module.relative_to(repo_copy).as_posix()
    assert f"{relative}:{lines + 1}: layer: django_basemodels -> django_ledger" in out


def test_a_lazy_reference_to_a_higher_tier_in_a_foundation_model_fails(
    repo_copy: Path, capsys: pytest.CaptureFixture[str]
):
    module = foundation_module(repo_copy)
    with module.open("a", encoding="utf-8") as stream:
        stream.write(
            "\nfrom django.db import models\n\n\nclass Injected(models.Model):\n"
            '    account = models.ForeignKey("django_ledger.Account", on_delete=models.CASCADE)\n'
        )
    status = main(["check", "--config", str(repo_copy / "layers.yaml"), "--root", str(repo_copy), "--no-cache"])
    out = capsys.readouterr().out
    assert status == 1
    assert "django_basemodels -> django_ledger (model-field django_ledger.Account)" in out


def test_a_malformed_copy_of_the_config_exits_2(repo_copy: Path, capsys: pytest.CaptureFixture[str]):
    (repo_copy / "layers.yaml").write_text("layers: [\n  - : bad\n", encoding="utf-8")
    status = main(["check", "--config", str(repo_copy / "layers.yaml"), "--root", str(repo_copy)])
    assert status == 2
    assert "Traceback" not in capsys.readouterr().err


def test_fast_scan_matches_the_full_walk_on_every_module_of_the_repository():
    from django_layers import ast_scan, fast_scan

    sources = [path for path in sorted(REPO.glob("packages/*/src/**/*.py")) if "__pycache__" not in path.parts]
    sources += sorted(REPO.glob("example_site/**/*.py"))
    typed = 0
    for path in sources:
        data = path.read_bytes()
        typed += b"if TYPE_CHECKING:" in data
        assert sorted(fast_scan.scan_source(data)) == sorted(ast_scan.scan_source(data)), path
    assert typed > 20
