"""The fast scanner finds exactly what the full ast walk finds: on tricky sources, and on Django's own code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from django_layers import ast_scan, fast_scan

# Read by the fast scan itself (the full walk is not called)
TYPE_CHECKING_SOURCES = {
    "type checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\nimport b\n",
    "type checking, attribute and brackets": (
        "import typing\nif typing.TYPE_CHECKING:\n    from a import (\n  b,\n)\n    import c\nimport d\n"
    ),
    "type checking, else": "if TYPE_CHECKING:  # why\n    import a\nelse:\n    import b\n",
    "type checking, nested": (
        "class C:\n    if TYPE_CHECKING:\n        import a\n    import b\n"
        "def f():\n    if TYPE_CHECKING:\n        if TYPE_CHECKING:\n            import c\n"
        "        import d\n    import e\n"
    ),
    "type checking, dedented string and comment": (
        'if TYPE_CHECKING:\n    x = """\nimport nope\n"""\n# a comment at the margin\n\n    import a\nimport b\n'
    ),
    "type checking, continued line": "if TYPE_CHECKING:\n    x = 1 + \\\n2\n    import a\nimport b\n",
    "type checking, to the end": "if TYPE_CHECKING:\n    import a\n    from b import c",
    "type checking in a docstring": '"""if TYPE_CHECKING:\n    import a\n"""\nimport b  # TYPE_CHECKING\n',
}
# Handed to the full walk
TYPE_CHECKING_FALLBACKS = {
    "type checking, not": "if not TYPE_CHECKING:\n    import a\n",
    "type checking, elif": "if x:\n    pass\nelif TYPE_CHECKING:\n    import a\nimport b\n",
    "type checking, one line": "if TYPE_CHECKING: import a\nimport b\n",
    "type checking, tabs": "if TYPE_CHECKING:\n\timport a\nimport b\n",
    "type checking, parenthesized import": (
        "from typing import (\n    TYPE_CHECKING,\n)\nif TYPE_CHECKING:\n    import a\n"
    ),
}

TRICKY_SOURCES = {
    "plain imports": "import os\nimport a.b as c, d\nfrom x.y import (\n    z,  # why\n    w as v,\n)\n",
    "relative imports": "from . import a\nfrom ..b import c\nfrom.d import e\nfrom . c import d\n",
    "star import": "from a import *\n",
    "import in a docstring": '"""Example:\n\n    from ledger import Account\n    import money\n"""\nimport real\n',
    "import in a single-quoted docstring": "'''\nimport nope\n'''\nimport yes\n",
    "import in a comment": "# import nope\nx = 1  # from nope import x\nimport yes\n",
    "import word in strings": "x = 'a: import b'\ny = \"c; from d import e\"\nimport yes\n",
    "inline imports": "import a; import b\nif x: import c\nx = 1; from d import e\n",
    "try import": "try: import a\nexcept ImportError: import b\n",
    "else import": "if x:\n    pass\nelse: import a\n",
    "backslash continuation": "from a \\\n    import b\nimport c, \\\n    d\n",
    "comment ending in backslash": "x = 1  # c:\\\nimport a\n",
    "nested functions": "def f():\n    def g():\n        import a\n    class C:\n        from b import c\n",
    **TYPE_CHECKING_SOURCES,
    **TYPE_CHECKING_FALLBACKS,
    "lazy model fields": (
        "from django.db import models\nclass M(models.Model):\n"
        "    a = models.ForeignKey('x.A', on_delete=models.CASCADE)\n"
        "    b = models.OneToOneField(\n        to='y.B',\n        on_delete=models.CASCADE,\n    )\n"
        "    c = models.ManyToManyField('z.C', through='w.D')\n"
    ),
    "two calls on a line": "a = ForeignKey('x.A'); b = ForeignKey('y.B')\n",
    "call and import on a line": "getattr(settings, 'A', 'x.A'); import b\n",
    "nested calls": "x = ForeignKey(get_model('a', 'B'), related_name=get_model('c.D'))\n",
    "call split before its parenthesis": "x = (models.ForeignKey\n     ('a.B'))\n",
    "calls in comments and strings": "# ForeignKey('a.B')\nx = \"get_model('c.D')\"\ny = '''import_module(\"e\")'''\n",
    "definitions named like calls": (
        "def get_model(app_label='a', model_name='B'):\n    pass\nclass ForeignKey(to='a.B'):\n    pass\n"
    ),
    "longer names": "my_getattr(settings, 'A', 'x.B')\nnot_import_module('a')\n",
    "dynamic imports": "importlib.import_module('a.b')\nimport_module('.c', 'pkg')\n__import__('d')\n",
    "swappable setting": "MODEL = getattr(settings, 'ORG_MODEL', 'parties.Organization')\n",
    "triple quote in a string": 'x = \'"""\'\nimport a\ny = """\nimport nope\n"""\n',
    "triple quote in a comment": '# """ not a string\nimport a\n',
    "mixed triple quotes": "x = '''it has \"\"\" inside'''\nimport a\ny = \"\"\"and ''' here\"\"\"\nimport b\n",
    "escaped quotes": "x = \"\\\"\"\nimport a\ny = '''a\\'''b'''\nimport b\n",
    "strings before a call": "x = 'it''s'; y = ForeignKey('a.B')\nz = \"#\" + get_model('c.D')\n",
    "crlf newlines": "import a\r\nfrom b import c\r\n",
    "byte order mark": "\ufeffimport a\n",
    "first line import": "from a import b",
    "no trailing newline": "import a\nx = ForeignKey('a.B')",
    "future import late": "import a\nfrom __future__ import annotations\n",
    "yield from across lines": "def f():\n    x = (yield\n         from g())\n    import a\n",
    "raise from": "try:\n    pass\nexcept E as e:\n    raise X from e\nimport a\n",
    "semicolon in brackets": "x = [1,\n2]; import a\n",
    "f-string": "x = f'{a!r}: import b'\nimport c\n",
    "no references": "x = 1\n",
}


@pytest.mark.parametrize("source", TRICKY_SOURCES.values(), ids=TRICKY_SOURCES.keys())
def test_fast_scan_finds_what_the_full_walk_finds(source: str):
    assert sorted(fast_scan.scan_source(source.encode())) == sorted(ast_scan.scan_source(source.encode()))


def test_fast_scan_finds_real_references_in_the_tricky_sources():
    found = {r.module for r in fast_scan.scan_source(TRICKY_SOURCES["import in a docstring"].encode())}
    assert found == {"real"}


@pytest.mark.parametrize("source", TYPE_CHECKING_SOURCES.values(), ids=TYPE_CHECKING_SOURCES.keys())
def test_type_checking_blocks_are_read_without_the_full_walk(source: str, monkeypatch: pytest.MonkeyPatch):
    expected = sorted(ast_scan.scan_source(source))
    monkeypatch.setattr(ast_scan, "scan_source", lambda source: pytest.fail("fell back to the full walk"))
    assert sorted(fast_scan.scan_source(source)) == expected


@pytest.mark.parametrize("source", TYPE_CHECKING_FALLBACKS.values(), ids=TYPE_CHECKING_FALLBACKS.keys())
def test_other_forms_of_type_checking_fall_back_to_the_full_walk(source: str, monkeypatch: pytest.MonkeyPatch):
    walked: list[str] = []
    monkeypatch.setattr(ast_scan, "scan_source", lambda source: walked.append(source) or [])
    fast_scan.scan_source(source)
    assert walked == [source]


def test_a_lone_carriage_return_falls_back_to_the_full_walk():
    assert fast_scan.scan_source(b"import a\rimport b\n") == ast_scan.scan_source(b"import a\rimport b\n")


def test_non_utf8_source_with_a_coding_cookie_falls_back_to_the_full_walk():
    source = "# -*- coding: latin-1 -*-\nx = 'caf\xe9'\nimport a\n".encode("latin-1")
    assert fast_scan.scan_source(source) == [ast_scan.scan_source(source)[0]]


def test_an_unclosed_call_falls_back_and_reports_the_syntax_error():
    with pytest.raises(SyntaxError):
        fast_scan.scan_source(b"x = ForeignKey('a.B'\n")


def test_a_statement_that_does_not_parse_alone_falls_back_to_the_full_walk():
    source = b"try: import a\nfinally: pass\n"
    assert fast_scan.scan_source(source) == ast_scan.scan_source(source)


def test_plain_import_reader_declines_what_it_does_not_know():
    assert fast_scan._plain_import("import a; import b", 1) is None
    assert fast_scan._plain_import("from a import (b  # c\n)", 1) is None
    assert fast_scan._plain_import("x = 1", 1) is None
    assert fast_scan._plain_import("from  import x", 1) is None


def test_plain_import_reader_reads_parenthesized_names():
    (reference,) = fast_scan._plain_import("from ..a import (\n  b,\n  c as d,\n)", 7)
    assert reference == ast_scan.Reference(7, "import", "a", 2, ("b", "c"))


def python_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.py") if "__pycache__" not in path.parts)


def test_fast_scan_matches_on_this_package_and_its_tests():
    here = Path(__file__).resolve().parent
    sources = python_files(here) + python_files(Path(fast_scan.__file__).resolve().parent)
    for path in sources:
        data = path.read_bytes()
        assert sorted(fast_scan.scan_source(data)) == sorted(ast_scan.scan_source(data)), path


def test_fast_scan_matches_on_django_source():
    django = pytest.importorskip("django", reason="Django is not installed: the comparison on its source is skipped")
    differences = []
    files = python_files(Path(django.__file__).resolve().parent)
    for path in files:
        data = path.read_bytes()
        if sorted(fast_scan.scan_source(data)) != sorted(ast_scan.scan_source(data)):
            differences.append(str(path))
    assert len(files) > 500
    assert differences == []


def test_fast_scan_matches_on_the_standard_library():
    stdlib = Path(textwrap.__file__).resolve().parent
    files = [path for path in sorted(stdlib.glob("*.py"))][:300]
    for path in files:
        data = path.read_bytes()
        try:
            expected = sorted(ast_scan.scan_source(data))
        except (SyntaxError, ValueError):
            continue
        assert sorted(fast_scan.scan_source(data)) == expected, path
