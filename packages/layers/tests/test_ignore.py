"""Path globs of ignore.paths."""

from __future__ import annotations

import pytest

from django_layers.ignore import PathFilter


@pytest.mark.parametrize(
    ("pattern", "path", "ignored"),
    [
        ("**/tests/**", "packages/a/tests/test_x.py", True),
        ("**/tests/**", "tests/test_x.py", True),
        ("**/tests/**", "packages/a/src/a/testsuite/x.py", False),
        ("**/migrations/**", "src/a/migrations/0001_initial.py", True),
        ("*.py", "setup.py", True),
        ("*.py", "src/setup.py", False),
        ("src/*/conf.py", "src/a/conf.py", True),
        ("src/*/conf.py", "src/a/b/conf.py", False),
        ("**/test_?.py", "a/b/test_1.py", True),
        ("**/test_?.py", "a/b/test_12.py", False),
        ("**/[!_]*.py", "a/_private.py", False),
        ("**/[ab].py", "x/a.py", True),
        ("legacy/**", "legacy/deep/x.py", True),
        ("/legacy/**", "legacy/x.py", True),
        ("a+b/**", "a+b/x.py", True),
    ],
)
def test_glob_patterns_match_paths_relative_to_the_root(pattern: str, path: str, ignored: bool):
    assert PathFilter([pattern]).ignores_file(path) is ignored


def test_directories_under_a_double_star_pattern_are_skipped_whole():
    path_filter = PathFilter(["**/tests/**", "*.py"])
    assert path_filter.ignores_directory("packages/a/tests")
    assert not path_filter.ignores_directory("packages/a/src")


def test_no_patterns_ignore_nothing():
    assert not PathFilter([]).ignores_file("tests/x.py")
    assert not PathFilter([]).ignores_directory("tests")
