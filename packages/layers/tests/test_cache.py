"""The content-hash scan cache: unchanged files are not scanned again, changed ones are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from django_layers import scanning
from django_layers.cache import CACHE_FILE, ScanCache

from .conftest import check, write_files


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The contents the scanner was asked to scan (the cache answers for the others)."""
    calls: list[bytes] = []
    real = scanning.scan_file_content

    def recording(data: bytes, *, full: bool = False):
        calls.append(data)
        return real(data, full=full)

    monkeypatch.setattr(scanning, "scan_file_content", recording)
    return calls


def test_the_cache_lives_in_the_root_and_ignores_itself_in_git(repo: Path):
    check(repo, use_cache=True)
    assert (repo / ".layers-cache" / CACHE_FILE).is_file()
    assert (repo / ".layers-cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_warm_run_scans_nothing_and_finds_the_same(repo: Path, scanned: list[bytes]):
    cold = check(repo, use_cache=True)
    scanned.clear()
    warm = check(repo, use_cache=True)
    assert scanned == []
    assert warm.graph == cold.graph


def test_a_changed_file_is_scanned_again(repo: Path, scanned: list[bytes]):
    check(repo, use_cache=True)
    scanned.clear()
    write_files(repo, {"packages/base/src/django_base/models.py": "import django_top\n"})
    result = check(repo, use_cache=True)
    assert scanned == [b"import django_top\n"]
    assert "layer" in [v.rule for v in result.new]


def test_no_cache_writes_nothing(repo: Path):
    check(repo, use_cache=False)
    assert not (repo / ".layers-cache").exists()


def test_the_cache_directory_can_be_chosen(repo: Path, tmp_path_factory: pytest.TempPathFactory):
    elsewhere = tmp_path_factory.mktemp("cache")
    check(repo, use_cache=True, cache_directory=elsewhere)
    assert (elsewhere / CACHE_FILE).is_file()


def test_a_damaged_cache_file_is_started_afresh(repo: Path, scanned: list[bytes]):
    (repo / ".layers-cache").mkdir()
    (repo / ".layers-cache" / CACHE_FILE).write_text("{not json", encoding="utf-8")
    assert check(repo, use_cache=True).new == []
    assert scanned


def test_a_cache_of_another_version_is_started_afresh(repo: Path, scanned: list[bytes]):
    check(repo, use_cache=True)
    path = repo / ".layers-cache" / CACHE_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), "stamp": "0:old"}), encoding="utf-8")
    scanned.clear()
    check(repo, use_cache=True)
    assert scanned


def test_a_damaged_entry_is_scanned_again(tmp_path: Path):
    directory = tmp_path / "cache"
    directory.mkdir()
    cache = ScanCache(directory)
    cache.put("k", [], None, None)
    cache.save()
    data = json.loads((directory / CACHE_FILE).read_text())
    data["files"]["k"] = [[["not", "a", "reference"]], None, None]
    (directory / CACHE_FILE).write_text(json.dumps(data))
    assert ScanCache(directory).get("k") is None


def test_entries_no_longer_used_are_dropped(repo: Path):
    check(repo, use_cache=True)
    before = len(json.loads((repo / ".layers-cache" / CACHE_FILE).read_text())["files"])
    (repo / "packages/top/src/django_top/services.py").unlink()
    check(repo, use_cache=True)
    after = len(json.loads((repo / ".layers-cache" / CACHE_FILE).read_text())["files"])
    assert after == before - 1


def test_app_labels_are_looked_for_when_cached_content_becomes_an_apps_module(repo: Path):
    content = "from django.apps import AppConfig\nclass C(AppConfig):\n    name = 'django_top'\n    label = 'topper'\n"
    write_files(repo, {"packages/top/src/django_top/notes.py": content})
    check(repo, use_cache=True)  # the content is cached without labels: notes.py is no apps.py
    write_files(
        repo,
        {
            "packages/top/src/django_top/apps.py": content,
            "packages/base/src/django_base/x.py": "ForeignKey('topper.X')\n",
        },
    )
    assert "layer" in [v.rule for v in check(repo, use_cache=True).new]


def test_a_cache_that_cannot_be_saved_is_a_note(repo: Path):
    (repo / "blocker").write_text("a file where the cache directory should go", encoding="utf-8")
    result = check(repo, use_cache=True, cache_directory=repo / "blocker" / "cache")
    assert result.new == []
    assert result.notes[0].startswith("the scan cache was not saved in")


def test_a_failed_write_leaves_no_temporary_file(repo: Path, monkeypatch: pytest.MonkeyPatch):
    def failing_replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("django_layers.cache.os.replace", failing_replace)
    result = check(repo, use_cache=True)
    assert result.notes == [f"the scan cache was not saved in {repo / '.layers-cache'}: No space left on device"]
    assert [path.name for path in (repo / ".layers-cache").iterdir()] == [".gitignore"]
