"""The fast scanner: finds the few spans of a module that can reference another package with plain text
searches, parses only those, and falls back to a full ``ast`` walk whenever the text is unusual.

It finds what :func:`django_layers.ast_scan.scan_source` finds (tests compare both on fixtures and on
Django's source). Spans that matter: logical lines holding the ``import`` keyword, and calls of
``import_module``, ``__import__``, ``ForeignKey``, ``OneToOneField``, ``ManyToManyField``,
``get_model`` and ``getattr``. Triple-quoted strings are skipped; a candidate inside a one-line string
or a comment is discarded. Imports inside ``if TYPE_CHECKING:`` blocks (the header alone on its
line) are told apart by the block's extent, read from indentation outside brackets and strings. The
whole module is parsed instead when ``TYPE_CHECKING`` appears in any other form (``if not
TYPE_CHECKING``, ``elif``, a one-line block), when a candidate does not parse on its own (``try:
import x``), or when the text defeats the quick lexing (a triple quote inside a comment or a one-line
string, a lone ``\\r``, tabs in a block's indentation).
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from itertools import pairwise
from typing import NamedTuple

from django_layers import ast_scan
from django_layers.references import IMPORT, TYPE_CHECKING_IMPORT, Reference

DOUBLE_TRIPLE_QUOTED = r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
SINGLE_TRIPLE_QUOTED = r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
# Searched apart, each from its literal prefix: several times faster than one alternation.
TRIPLE_QUOTED_SEARCHES = (re.compile(DOUBLE_TRIPLE_QUOTED), re.compile(SINGLE_TRIPLE_QUOTED))
TRIPLE_QUOTED = re.compile(f"{DOUBLE_TRIPLE_QUOTED}|{SINGLE_TRIPLE_QUOTED}")
# A physical line starting with an import keyword: group 1 runs from the keyword to the end of the line.
LINE_START_IMPORT = re.compile(r"\n[ \t\f]*((?:import|from)\b[^\n]*)")
FIRST_LINE_IMPORT = re.compile(r"[ \t\f]*((?:import|from)\b[^\n]*)")
INLINE_IMPORTS = (re.compile(r";[ \t\f]*(?:import|from)\b"), re.compile(r":[ \t\f]*(?:import|from)\b"))
CALLS = {name: re.compile(re.escape(name) + r"\s*\(") for name in sorted(ast_scan.CALL_NAMES)}
DEFINITION_BEFORE = re.compile(r"\b(?:def|class)\s+\Z")
# One token of the text that matters when looking for the end of a logical line or of a call.
TOKEN = re.compile(
    TRIPLE_QUOTED.pattern + r"""|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|\#[^\n]*|\\\n|[()\[\]{}\n]"""
)
# Within one physical line: a comment start, a closed one-line string, or a quote opening a string.
LINE_TOKEN = re.compile(r"""\#|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|["']""")
_IDENTIFIER = r"[^\W\d]\w*"
_BLANK = r"[ \t\f]"  # within a line
_SPANNING_BLANK = r"\s"  # inside parentheses, where lines may break


def _alias_list(name: str, blank: str) -> str:
    """``name [as x], name [as x], ...`` with ``blank`` between the words."""
    alias = rf"{name}(?:{blank}+as{blank}+{_IDENTIFIER})?"
    return rf"{alias}(?:{blank}*,{blank}*{alias})*"


_DOTTED = rf"{_IDENTIFIER}(?:{_BLANK}*\.{_BLANK}*{_IDENTIFIER})*"
_END = rf"{_BLANK}*(?:\#[^\n]*)?"
# The plain forms most imports take, read without the parser (any other statement is parsed).
PLAIN_IMPORT = re.compile(rf"import{_BLANK}+({_alias_list(_DOTTED, _BLANK)}){_END}")
PLAIN_FROM_IMPORT = re.compile(
    rf"from{_BLANK}+(\.*){_BLANK}*({_DOTTED})?{_BLANK}+import{_BLANK}+"
    rf"(?:(\*)|({_alias_list(_IDENTIFIER, _BLANK)})|\(\s*({_alias_list(_IDENTIFIER, _SPANNING_BLANK)})\s*,?\s*\)){_END}"
)
AS_CLAUSE = re.compile(r"\s+as\s+[^\W\d]\w*")
OPENING = frozenset("([{")
CLOSING = frozenset(")]}")
SIMPLE_LINE = re.compile(r"[^()\[\]{}\\\"']*\Z")
# ``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:`` alone on its line; group 1 is the indentation.
TYPE_CHECKING_HEADER = re.compile(
    rf"^([ \t]*)if{_BLANK}+(?:{_IDENTIFIER}{_BLANK}*\.{_BLANK}*)*TYPE_CHECKING{_BLANK}*:{_END}$", re.MULTILINE
)
TYPE_CHECKING_MENTION = re.compile("TYPE_CHECKING")
IMPORT_LINE_START = re.compile(r"[ \t\f]*(?:from|import)\b")
INDENTATION = re.compile(r"[ \t\f]*")


class FallBack(Exception):
    """The quick path cannot vouch for this text: scan it with a full parse."""


class Snippet(NamedTuple):
    start: int  # offset in the text
    end: int
    line: int  # 1-based line of ``start``
    text: str
    is_call: bool


def scan_source(source: bytes | str) -> list[Reference]:
    """Every reference in a module, as :func:`django_layers.ast_scan.scan_source` would find them.

    Raises ``SyntaxError`` or ``ValueError`` when the module must be parsed whole and is not valid Python.
    """
    try:
        text = source.decode("utf-8") if isinstance(source, bytes) else source
        return _scan_text(text)
    except (UnicodeDecodeError, FallBack):
        return ast_scan.scan_source(source)


def _scan_text(text: str) -> list[Reference]:
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            raise FallBack
    text = text.removeprefix("\ufeff")
    strings = _triple_quoted_spans(text)
    blocks = _type_checking_blocks(text, strings) if "TYPE_CHECKING" in text else []
    found: list[Reference] = []
    candidates = _import_snippets(text, strings, found) + _call_snippets(text, strings)
    if candidates:
        found.extend(_parse_snippets(text, candidates))
    if blocks:
        found = [_as_type_checking(reference, blocks) for reference in found]
    return found


def _as_type_checking(reference: Reference, blocks: list[tuple[int, int]]) -> Reference:
    if reference.kind == IMPORT and any(first <= reference.line <= last for first, last in blocks):
        return reference._replace(kind=TYPE_CHECKING_IMPORT)
    return reference


def _type_checking_blocks(text: str, strings: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (first, last) lines of each ``if TYPE_CHECKING:`` block's body.

    Every other mention of ``TYPE_CHECKING`` must be in an import line, a comment or a string; anything
    else (``if not TYPE_CHECKING:``, ``elif``, ``x = TYPE_CHECKING``) falls back to the full walk.
    """
    headers = {}
    for match in TYPE_CHECKING_HEADER.finditer(text):
        if not (strings and _string_around(strings, match.start())[0]):
            headers[match.start()] = match
    for mention in TYPE_CHECKING_MENTION.finditer(text):
        position = mention.start()
        line_start = text.rfind("\n", 0, position) + 1
        if line_start in headers:
            continue
        inside, floor = _string_around(strings, position)
        if inside or not _in_code(text, position, floor):
            continue
        if IMPORT_LINE_START.match(text, line_start) and not (line_start >= 2 and text[line_start - 2] == "\\"):
            continue  # from typing import TYPE_CHECKING
        raise FallBack
    return [_block_lines(text, match) for match in headers.values()]


def _block_lines(text: str, header: re.Match[str]) -> tuple[int, int]:
    """The first and last line of the body under ``header``: up to the next statement indented no deeper.

    Newlines inside brackets and strings, and continued lines, are not statement boundaries: the tokens
    skip them.
    """
    indentation = len(header.group(1))
    header_line = text.count("\n", 0, header.start()) + 1
    line, depth, end_line = header_line, 0, None
    for token in TOKEN.finditer(text, header.end()):
        value = token.group()
        if value in OPENING:
            depth += 1
        elif value in CLOSING:
            depth -= 1
        elif value != "\n":
            line += value.count("\n")  # a string or a continuation spanning lines
        else:
            line += 1
            if depth > 0:
                continue
            indent = INDENTATION.match(text, token.end())
            assert indent is not None  # the pattern matches the empty string
            if text[indent.end() : indent.end() + 1] in ("", "\n", "#"):
                continue  # a blank or comment line: no statement starts there
            if indent.group().strip(" ") or header.group(1).strip(" "):
                raise FallBack  # tabs and form feeds compare by columns: leave them to the parser
            if len(indent.group()) <= indentation:
                end_line = line
                break
    return header_line + 1, (line + 1 if end_line is None else end_line) - 1


def _triple_quoted_spans(text: str) -> list[tuple[int, int]]:
    double, single = ([match.span() for match in search.finditer(text)] for search in TRIPLE_QUOTED_SEARCHES)
    spans = sorted(double + single) if double and single else double or single
    if any(start < previous_end for (_, previous_end), (start, _) in pairwise(spans)):
        # one kind of triple quote inside a string of the other kind: lex both kinds together
        spans = [match.span() for match in TRIPLE_QUOTED.finditer(text)]
    floor = 0
    for start, end in spans:
        if not _in_code(text, start, floor):
            raise FallBack  # a triple quote inside a comment or a one-line string: the spans would be wrong
        floor = end
    return spans


def _in_code(text: str, position: int, floor: int) -> bool:
    """Whether ``position`` (not inside a triple-quoted string) is code, not a comment or a one-line string."""
    start = max(text.rfind("\n", 0, position) + 1, floor)
    prefix = text[start:position]
    if '"' not in prefix and "'" not in prefix and "#" not in prefix:
        return True
    offset = 0
    while match := LINE_TOKEN.search(prefix, offset):
        if len(match.group()) == 1:  # "#" starts a comment; a lone quote opens a string around us
            return False
        offset = match.end()
    return True


def _string_around(strings: list[tuple[int, int]], position: int) -> tuple[bool, int]:
    """(whether ``position`` is inside a triple-quoted string, end of the last one before it)."""
    index = bisect_right(strings, (position, position)) - 1
    if index < 0:
        return False, 0
    start, end = strings[index]
    return start <= position < end, end


def _keyword_start(text: str, match: re.Match[str]) -> int:
    """Where the ``import`` or ``from`` ending ``match`` starts."""
    end = match.end()
    return end - 4 if text.startswith("from", end - 4) else end - 6


def _import_snippets(text: str, strings: list[tuple[int, int]], found: list[Reference]) -> list[tuple[int, bool]]:
    """Read the plain one-line imports into ``found``; return the other import keywords, to be parsed."""
    keywords: list[int] = []
    first = FIRST_LINE_IMPORT.match(text)
    matches = [first, *LINE_START_IMPORT.finditer(text)] if first else LINE_START_IMPORT.finditer(text)
    line, counted = 1, 0
    for match in matches:
        position = match.start(1)
        if strings and _string_around(strings, position)[0]:
            continue
        line += text.count("\n", counted, position)
        counted = position
        statement = match.group(1)
        newline = text.rfind("\n", 0, position)
        continued = newline >= 1 and text[newline - 1] == "\\"  # the line goes on from the one before
        plain = None if continued or not SIMPLE_LINE.match(statement) else _plain_import(statement, line)
        if plain is None:
            keywords.append(position)
        else:
            found.extend(plain)
    for search in INLINE_IMPORTS:
        for match in search.finditer(text):
            inside, floor = _string_around(strings, match.start())
            if not inside and _in_code(text, match.start(), floor):
                keywords.append(_keyword_start(text, match))
    return [(position, False) for position in keywords]


def _call_snippets(text: str, strings: list[tuple[int, int]]) -> list[tuple[int, bool]]:
    calls: list[tuple[int, bool]] = []
    matches = [match for name, search in CALLS.items() if name in text for match in search.finditer(text)]
    for match in matches:
        position = match.start()
        if position and (text[position - 1].isalnum() or text[position - 1] == "_"):
            continue  # the end of a longer name, such as my_getattr(
        inside, floor = _string_around(strings, position)
        if inside or not _in_code(text, position, floor):
            continue
        line_start = text.rfind("\n", 0, position) + 1
        if DEFINITION_BEFORE.search(text, line_start, position):
            continue  # def get_model(...): a definition, not a call
        calls.append((position, True))
    return calls


def _logical_line(text: str, keyword: int) -> tuple[int, int]:
    """The span of the logical line holding the keyword at ``keyword`` (backslashes and brackets joined)."""
    start = text.rfind("\n", 0, keyword) + 1
    while start >= 2 and text[start - 2] == "\\":
        start = text.rfind("\n", 0, start - 1) + 1
    end = text.find("\n", keyword)
    end = len(text) if end < 0 else end
    if SIMPLE_LINE.match(text, start, end):
        return start, end
    return start, _end_of_brackets(text, start, stop_at_newline=True, not_before=keyword)


def _end_of_brackets(text: str, start: int, *, stop_at_newline: bool, not_before: int = 0) -> int:
    """Where the brackets opened from ``start`` close (a call), or the logical line ends (at a newline
    outside brackets, from ``not_before`` on: a comment may end a line that looked continued)."""
    depth = 0
    for match in TOKEN.finditer(text, start):
        token = match.group()
        if token in OPENING:
            depth += 1
        elif token in CLOSING:
            depth -= 1
            if depth == 0 and not stop_at_newline:
                return match.end()
        elif token == "\n" and depth <= 0 and stop_at_newline and match.start() >= not_before:
            return match.start()
    if stop_at_newline:
        return len(text)
    raise FallBack  # a call that never closes


def _snippets(text: str, candidates: list[tuple[int, bool]]) -> list[Snippet]:
    spans: set[tuple[int, int, bool]] = set()
    for position, is_call in candidates:
        if is_call:
            spans.add((position, _end_of_brackets(text, position, stop_at_newline=False), True))
        else:
            spans.add((*_logical_line(text, position), False))  # one span per logical line
    snippets = []
    line, counted = 1, 0
    for start, end, is_call in sorted(spans):
        line += text.count("\n", counted, start)
        counted = start
        snippet = text[start:end]
        snippets.append(Snippet(start, end, line, f"({snippet})" if is_call else snippet.lstrip(" \t\f"), is_call))
    return snippets


def _parse_snippets(text: str, candidates: list[tuple[int, bool]]) -> list[Reference]:
    """Parse the snippets together, each on its own line, so line numbers come out right."""
    found: list[Reference] = []
    parts: list[str] = []
    call_lines: set[int] = set()
    current_line, last_line = 1, 0
    for snippet in _snippets(text, candidates):
        plain = None if snippet.is_call else _plain_import(snippet.text, snippet.line)
        if plain is not None:
            found.extend(plain)
            continue
        if snippet.line <= last_line:  # shares a line with the previous one: parse it alone
            found.extend(_references(_parse(snippet.text, snippet.line), {snippet.line} if snippet.is_call else set()))
            continue
        parts.append("\n" * (snippet.line - current_line))
        parts.append(snippet.text)
        current_line = last_line = snippet.line + snippet.text.count("\n")
        if snippet.is_call:
            call_lines.add(snippet.line)
    if parts:
        found.extend(_references(_parse("".join(parts), 1), call_lines))
    return found


def _names(aliases: str) -> list[str]:
    """``a.b as c, d`` -> ``["a.b", "d"]``."""
    return ["".join(AS_CLAUSE.sub("", alias).split()) for alias in aliases.split(",")]


def _plain_import(statement: str, line: int) -> list[Reference] | None:
    """The references of an import statement in one of its plain forms; None for any other statement."""
    match = PLAIN_IMPORT.fullmatch(statement)
    if match:
        return [Reference(line, IMPORT, name) for name in _names(match.group(1))]
    match = PLAIN_FROM_IMPORT.fullmatch(statement)
    if not match:
        return None
    dots, module, star, aliases, parenthesized = match.groups()
    if not dots and not module:
        return None
    names = ("*",) if star else tuple(_names((aliases or parenthesized).strip().rstrip(",")))
    return [Reference(line, IMPORT, "".join((module or "").split()), len(dots), names)]


def _parse(source: str, line: int) -> ast.Module:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        raise FallBack from None  # not parseable alone (try: import x, a compound header): parse the module
    if line > 1:
        ast.increment_lineno(tree, line - 1)
    return tree


def _references(tree: ast.Module, call_lines: set[int]) -> list[Reference]:
    found: list[Reference] = []
    for statement in tree.body:
        if statement.lineno in call_lines:
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
                raise FallBack  # pragma: no cover (a call snippet is always one parenthesized call)
            found.extend(ast_scan.call_references(statement.value))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            found.extend(ast_scan.import_references(statement, type_checking=False))
        else:
            found.extend(_nested_imports(statement))
    return found


def _nested_imports(statement: ast.stmt) -> list[Reference]:
    found: list[Reference] = []
    for node in ast.walk(statement):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend(ast_scan.import_references(node, type_checking=False))
    return found
