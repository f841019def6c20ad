"""The layer check places the site in the top layer and passes (``django-layers`` of django-primitives-layers)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django_layers", reason="django-primitives-layers is not installed")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]


def test_example_site_is_the_top_layer():
    config = yaml.safe_load((ROOT / "layers.yaml").read_text())
    top = config["layers"][-1]
    assert top["packages"] == [{"name": "example_site", "path": "example_site"}]


def test_layer_check_passes():
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "django_layers",
            "check",
            "--config",
            "layers.yaml",
            "--root",
            ".",
            "--format",
            "json",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(completed.stdout)
    assert completed.returncode == 0, [v["message"] for v in report["violations"]]
    assert report["ok"] and report["summary"]["violations"] == 0
