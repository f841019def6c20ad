"""Baselines: known violations do not fail, fixed ones must leave the file, the file is stable text."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_layers.baseline import HEADER, baseline_text, compare_with_baseline, read_baseline, write_baseline
from django_layers.errors import UsageError
from django_layers.violations import Violation

from .conftest import check, write_files


def violation(path: str = "a.py", line: int = 1, imported: str = "b", rule: str = "layer") -> Violation:
    return Violation(path, line, rule, "a", imported, "import", imported, "why")


def test_entries_carry_no_line_number():
    assert violation(line=7).baseline_entry() == "layer\ta.py\ta -> b\timport\tb"


def test_a_cycle_entry_names_its_group():
    cycle = Violation("a.py", 1, "cycle", "a", "b", "import", "b", "why", ("a", "b", "a"), ("a", "b"))
    assert cycle.baseline_entry() == "cycle\t-\ta, b\t-\t-"


def test_the_file_is_sorted_under_a_header():
    text = baseline_text([violation("z.py"), violation("a.py")])
    assert text == HEADER + "layer\ta.py\ta -> b\timport\tb\nlayer\tz.py\ta -> b\timport\tb\n"


def test_written_baselines_read_back(tmp_path: Path):
    path = tmp_path / "baseline.txt"
    write_baseline(path, [violation(), violation("c.py")])
    assert read_baseline(path) == ["layer\ta.py\ta -> b\timport\tb", "layer\tc.py\ta -> b\timport\tb"]


def test_writing_to_an_impossible_place_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="cannot write the baseline"):
        write_baseline(tmp_path / "missing" / "baseline.txt", [])


def test_a_missing_baseline_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="no such baseline file"):
        read_baseline(tmp_path / "baseline.txt")


def test_an_unreadable_baseline_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="cannot read the baseline"):
        read_baseline(tmp_path)


@pytest.mark.parametrize("line", ["layer\ta.py\ta -> b\timport", "sideways\ta.py\ta -> b\timport\tb"])
def test_a_malformed_line_is_a_usage_error_naming_it(tmp_path: Path, line: str):
    path = tmp_path / "baseline.txt"
    path.write_text(f"# comment\n\n{line}\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"baseline\.txt: line 3: expected 5 tab-separated fields"):
        read_baseline(path)


def test_listed_violations_are_known_and_the_others_new():
    comparison = compare_with_baseline([violation("a.py"), violation("c.py")], [violation("a.py").baseline_entry()])
    assert [v.path for v in comparison.known] == ["a.py"]
    assert [v.path for v in comparison.new] == ["c.py"]
    assert comparison.stale == []


def test_each_entry_accounts_for_one_violation():
    entry = violation().baseline_entry()
    comparison = compare_with_baseline([violation(line=1), violation(line=9)], [entry])
    assert (len(comparison.known), len(comparison.new)) == (1, 1)


def test_entries_matching_nothing_are_stale():
    entry = violation().baseline_entry()
    assert compare_with_baseline([], [entry, entry]).stale == [entry, entry]


def test_known_violations_do_not_fail_a_check_and_moving_lines_keeps_them_known(repo: Path):
    offending = "packages/base/src/django_base/x.py"
    write_files(repo, {offending: "import django_other\n"})
    entries = [v.baseline_entry() for v in check(repo).violations]
    write_files(repo, {offending: "\n\n# moved down\nimport django_other\n"})
    result = check(repo, baseline_entries=entries)
    assert (result.failed, len(result.known), result.new, result.stale) == (False, len(entries), [], [])


def test_a_fixed_violation_left_in_the_baseline_fails_as_stale(repo: Path):
    write_files(repo, {"packages/base/src/django_base/x.py": "import django_other\n"})
    entries = [v.baseline_entry() for v in check(repo).violations]
    (repo / "packages/base/src/django_base/x.py").write_text("", encoding="utf-8")
    result = check(repo, baseline_entries=entries)
    assert result.failed
    assert result.stale == sorted(entries)
