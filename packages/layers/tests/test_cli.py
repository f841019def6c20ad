"""The command line: exit status 0 clean, 1 violations, 2 usage or configuration error (never a traceback)."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from django_layers import __version__

from .conftest import write_files

OFFENDING = "packages/base/src/django_base/models.py"


def break_repo(repo: Path) -> None:
    write_files(repo, {OFFENDING: "from django.db import models\nimport django_top\n"})


def test_a_clean_repo_exits_0(repo: Path, cli):
    status, out, _ = cli("check", "--config", repo / "layers.yaml", "--root", repo, "--no-cache")
    assert status == 0
    assert out.startswith("django-layers: ok")


def test_the_config_defaults_to_the_one_in_the_root(repo: Path, cli):
    assert cli("check", "--root", repo, "--no-cache")[0] == 0


def test_violations_exit_1_naming_file_and_line(repo: Path, cli):
    break_repo(repo)
    status, out, _ = cli("check", "--root", repo, "--no-cache")
    assert status == 1
    assert f"{OFFENDING}:2: layer: django_base -> django_top" in out


def test_a_malformed_config_exits_2_with_one_message(repo: Path, cli):
    (repo / "layers.yaml").write_text("layers: [\n  - : bad\n", encoding="utf-8")
    status, out, err = cli("check", "--config", repo / "layers.yaml", "--root", repo)
    assert (status, out) == (2, "")
    assert err.startswith(f"django-layers: {repo / 'layers.yaml'}: line 2, column ")
    assert "Traceback" not in err


def test_a_bad_key_exits_2_naming_it(repo: Path, cli):
    (repo / "layers.yaml").write_text(
        "layers:\n  - name: a\n    packages: [a]\nrules: {default: up}\n", encoding="utf-8"
    )
    status, _, err = cli("check", "--root", repo)
    assert status == 2
    assert "layers.yaml: rules.default: unknown value 'up'" in err


def test_a_missing_config_exits_2(tmp_path: Path, cli):
    status, _, err = cli("check", "--root", tmp_path)
    assert status == 2
    assert "layers.yaml: (file): no such file" in err


def test_a_root_that_is_not_a_directory_exits_2(repo: Path, cli):
    status, _, err = cli("check", "--config", repo / "layers.yaml", "--root", repo / "nowhere")
    assert status == 2
    assert "the root is not a directory" in err


def test_an_unknown_option_value_exits_2(repo: Path, cli):
    with pytest.raises(SystemExit) as raised:
        cli("check", "--root", repo, "--format", "xml")
    assert raised.value.code == 2


def test_a_missing_baseline_exits_2(repo: Path, cli):
    status, _, err = cli("check", "--root", repo, "--baseline", repo / "baseline.txt")
    assert status == 2
    assert "no such baseline file" in err


def test_write_baseline_then_check_against_it(repo: Path, cli):
    break_repo(repo)
    baseline = repo / "baseline.txt"
    status, out, _ = cli("check", "--root", repo, "--no-cache", "--write-baseline", baseline)
    assert (status, out) == (0, f"django-layers: wrote 3 violation(s) to {baseline}\n")
    status, out, _ = cli("check", "--root", repo, "--no-cache", "--baseline", baseline)
    assert status == 0
    assert "3 known from the baseline" in out


def test_a_stale_baseline_entry_exits_1(repo: Path, cli):
    break_repo(repo)
    baseline = repo / "baseline.txt"
    cli("check", "--root", repo, "--no-cache", "--write-baseline", baseline)
    write_files(repo, {OFFENDING: "from django.db import models\n"})
    status, out, _ = cli("check", "--root", repo, "--no-cache", "--baseline", baseline)
    assert status == 1
    assert "stale baseline entries" in out


def test_json_format(repo: Path, cli):
    break_repo(repo)
    status, out, _ = cli("check", "--root", repo, "--no-cache", "--format", "json")
    assert status == 1
    assert json.loads(out)["summary"]["violations"] == 3


def test_github_format(repo: Path, cli):
    break_repo(repo)
    status, out, _ = cli("check", "--root", repo, "--no-cache", "--format", "github")
    assert status == 1
    assert out.startswith(f"::error file={OFFENDING},line=2,")


def test_no_cache_leaves_no_cache_directory(repo: Path, cli):
    cli("check", "--root", repo, "--no-cache")
    assert not (repo / ".layers-cache").exists()


def test_cache_dir_puts_the_cache_there(repo: Path, tmp_path_factory: pytest.TempPathFactory, cli):
    directory = tmp_path_factory.mktemp("elsewhere") / "cache"
    assert cli("check", "--root", repo, "--cache-dir", directory)[0] == 0
    assert (directory / "scan.json").is_file()
    assert not (repo / ".layers-cache").exists()


def test_type_checking_imports_can_be_ignored_from_the_command_line(repo: Path, cli):
    write_files(repo, {OFFENDING: "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import django_top\n"})
    assert cli("check", "--root", repo, "--no-cache")[0] == 1
    assert cli("check", "--root", repo, "--no-cache", "--type-checking-imports", "ignore")[0] == 0


def test_full_scan_finds_the_same(repo: Path, cli):
    break_repo(repo)
    fast = cli("check", "--root", repo, "--no-cache", "--format", "json")[1]
    full = cli("check", "--root", repo, "--full-scan", "--format", "json")[1]
    assert json.loads(fast)["violations"] == json.loads(full)["violations"]


def test_version(cli, capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as raised:
        cli("--version")
    assert raised.value.code == 0
    assert capsys.readouterr().out == f"django-layers {__version__}\n"


def test_python_dash_m_runs_the_command(repo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "argv", ["django_layers", "check", "--root", str(repo), "--no-cache"])
    with pytest.raises(SystemExit) as raised:
        runpy.run_module("django_layers", run_name="__main__")
    assert raised.value.code == 0


def test_a_real_process_exits_2_without_a_traceback(repo: Path):
    (repo / "layers.yaml").write_text("layers: [\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "django_layers", "check", "--root", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "layers.yaml: line" in completed.stderr
