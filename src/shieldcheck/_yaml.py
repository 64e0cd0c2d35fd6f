"""Reading YAML input files: the YAML 1.2 core schema, with bounds, and one-line errors.

PyYAML's own loaders follow YAML 1.1, where ``010`` is 8, ``044`` is 36, ``1:30`` is 90, ``no`` is False
and ``1.5e3`` is text. Scenario and catalog files are read here with the **YAML 1.2 core schema** (YAML
1.2.2 specification, section 10.3, "Core Schema", https://yaml.org/spec/1.2.2/#103-core-schema), so a
number means what a person typed: ``010`` is 10, ``1.5e3`` is 1500.0, ``1:30`` and ``no`` are text,
``0o17`` and ``0x1F`` are the octal and hexadecimal integers 15 and 31. The parser is libyaml through
PyYAML (its C extension when installed); only the scalar resolution (which plain scalars are numbers,
booleans or null) is written here, following the specification's regular expressions.

Every input size a user controls has a bound, checked before the document is built (by a streaming pass
over the parser's events, which needs no recursion):

======================  =====================================================================
`MAX_BYTES`             size of a file (2 MiB: the flagship scenario is 14 KiB)
`MAX_DEPTH`             nesting of mappings and lists (64; scenarios need about 6)
`MAX_NODES`             values in the document with every alias expanded (500,000): an alias
                        "bomb" (anchors referring to anchors) is refused, not expanded
======================  =====================================================================

Errors are `shieldcheck.errors.InputError` with one line: the file, the line and column, and the rule.

>>> load_yaml("inventory: 010\\nlatitude_deg: 044\\ndecision_s: 1:30\\nx: 1.5e3\\nplace: no", "x.yaml")
{'inventory': 10, 'latitude_deg': 44, 'decision_s': '1:30', 'x': 1500.0, 'place': 'no'}
>>> load_yaml("a: [1, 2", "x.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
shieldcheck.errors.InputError: x.yaml: not valid YAML: line ...: ... ',' or ']' (while parsing a flow ...
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from shieldcheck.errors import InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "load_yaml", "read_text"]

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 500_000

try:
    from yaml.cyaml import CParser as _Parser  # libyaml, when PyYAML was built with it
except ImportError:  # pragma: no cover
    _Parser = None


class _CoreResolver(yaml.resolver.BaseResolver):
    """Implicit tags of the YAML 1.2 core schema (spec 1.2.2, section 10.3.2, tag resolution table)."""


_CORE = (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
)
_CoreResolver.yaml_implicit_resolvers = {}
for _tag, _regex, _first in _CORE:
    _CoreResolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_regex})$"), list(_first)
    )


_BOOL = re.compile(rf"^(?:{_CORE[0][1]})$")
_INT = re.compile(rf"^(?:{_CORE[1][1]})$")
_NUMBER = re.compile(rf"^(?:{_CORE[1][1]}|{_CORE[2][1]})$")


class _CoreConstructor(yaml.constructor.SafeConstructor):
    """Builds plain Python values; a key repeated within one mapping is an error (PyYAML keeps the last).

    A scalar tagged explicitly (``!!int 1_000``, ``!!float infinity``) must be written in the core
    schema's form of that type, as an untagged one is: Python's ``int``/``float`` would read YAML 1.1's
    underscores and Python's own spellings.
    """

    def _core_scalar(self, node, pattern, what: str) -> str:
        text = self.construct_scalar(node)
        if not pattern.match(text):
            raise yaml.constructor.ConstructorError(
                None, None, f"{text!r} is not a YAML 1.2 {what}", node.start_mark
            )
        return text

    def construct_core_int(self, node):
        text = self._core_scalar(node, _INT, "integer (digits, 0o17 or 0x1F)")
        sign = -1 if text.startswith("-") else 1
        body = text.lstrip("+-")
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        return sign * int(body, 10)

    def construct_core_float(self, node):
        text = self._core_scalar(node, _NUMBER, "number (1500, 1.5e3, .inf)").lower()
        if text.lstrip("+-") == ".inf":
            return float("-inf") if text.startswith("-") else float("inf")
        if text == ".nan":
            return float("nan")
        return float(text)

    def construct_core_bool(self, node):
        return self._core_scalar(node, _BOOL, "boolean (true or false)").lower() == "true"

    def construct_unique_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, "found a key that is a list or mapping",
                    key_node.start_mark,
                ) from None
            if repeated:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"found the key {key!r} twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return self.construct_mapping(node, deep=deep)


_CoreConstructor.yaml_constructors = {
    "tag:yaml.org,2002:null": yaml.constructor.SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _CoreConstructor.construct_core_bool,
    "tag:yaml.org,2002:int": _CoreConstructor.construct_core_int,
    "tag:yaml.org,2002:float": _CoreConstructor.construct_core_float,
    "tag:yaml.org,2002:str": yaml.constructor.SafeConstructor.construct_yaml_str,
    "tag:yaml.org,2002:seq": yaml.constructor.SafeConstructor.construct_yaml_seq,
    "tag:yaml.org,2002:map": _CoreConstructor.construct_unique_mapping,
    None: yaml.constructor.SafeConstructor.construct_undefined,
}


if _Parser is not None:

    class _CoreLoader(_Parser, _CoreConstructor, _CoreResolver):
        def __init__(self, stream):
            _Parser.__init__(self, stream)
            _CoreConstructor.__init__(self)
            _CoreResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml

    class _CoreLoader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _CoreConstructor,
        _CoreResolver,
    ):
        def __init__(self, stream):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _CoreConstructor.__init__(self)
            _CoreResolver.__init__(self)


def _where(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _one_line(exc: yaml.YAMLError) -> str:
    """A PyYAML error (five lines with a source excerpt) as one line: where, what, in what context."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return " ".join(str(exc).split())
    mark = exc.problem_mark or exc.context_mark
    text = " ".join(str(exc.problem or exc.context or "syntax error").split())
    if exc.context and exc.problem:
        context = " ".join(exc.context.split())
        start = f" that starts at {_where(exc.context_mark)}" if exc.context_mark is not None else ""
        text += f" ({context}{start})"
    return f"not valid YAML: {_where(mark)}: {text}" if mark is not None else f"not valid YAML: {text}"


def _check_events(text: str, filename: str) -> None:
    """Refuse over-deep nesting, recursive aliases and documents too large once aliases are expanded."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = []  # [anchor, size so far] per open collection
    total = 0
    for event in yaml.parse(text, Loader=_CoreLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise InputError(
                    f"{filename}: {_where(event.start_mark)}: lists and mappings nest deeper than "
                    f"{MAX_DEPTH} levels; a scenario needs about 6"
                )
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                raise InputError(
                    f"{filename}: {_where(event.start_mark)}: alias *{event.anchor} refers to a list or "
                    "mapping that contains it (a recursive alias) or to no anchor"
                )
            anchor, size = None, sizes[event.anchor]
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
        if total + sum(s for _, s in stack) > MAX_NODES:
            raise InputError(
                f"{filename}: {_where(event.start_mark)}: more than {MAX_NODES:,} values once aliases "
                "(*name) are expanded; use fewer aliases or split the file"
            )


def load_yaml(text: str, filename: str) -> Any:
    """Parse YAML text with the YAML 1.2 core schema, within the size bounds of this module.

    Parameters
    ----------
    text : str
        The document (one document per file).
    filename : str
        Named in error messages.

    Returns
    -------
    object
        dicts, lists, str, int, float, bool and None only (no other types, no Python objects).

    Raises
    ------
    InputError
        One line: invalid YAML (with line and column), a key repeated in a mapping, an unknown tag, a
        document over `MAX_BYTES`, nested deeper than `MAX_DEPTH` or over `MAX_NODES` values with aliases
        expanded.

    >>> load_yaml("speeds: [0o17, 0x1F, -.5, .inf, ~, True]", "x.yaml")
    {'speeds': [15, 31, -0.5, inf, None, True]}
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise InputError(
            f"{filename}: {size:,} bytes is more than the {MAX_BYTES:,}-byte limit for a YAML input file"
        )
    try:
        _check_events(text, filename)
        return yaml.load(text, Loader=_CoreLoader)  # noqa: S506 - a safe constructor: plain types only
    except yaml.YAMLError as exc:
        raise InputError(f"{filename}: {_one_line(exc)}") from None
    except (ValueError, TypeError, OverflowError) as exc:  # an explicit tag on a bad value: !!int abc
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{filename}: not valid YAML: {' '.join(str(exc).split())}") from None


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """Read a UTF-8 text file of at most `MAX_BYTES`, or raise a one-line `InputError`.

    Parameters
    ----------
    path : str or path-like
    what : str
        How the message names the file, e.g. ``"scenario file"``.

    Returns
    -------
    str
        The text (a UTF-8 byte-order mark is dropped).

    Raises
    ------
    InputError
        The file cannot be read (missing, a directory, no permission, a name too long), is larger than
        `MAX_BYTES`, or is not UTF-8 (the message gives the byte offset).
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{_short(p)}: cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{_short(p)}: the {what} is larger than the {MAX_BYTES:,}-byte limit for a YAML input file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{_short(p)}: the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def _short(p: Path, limit: int = 120) -> str:
    text = str(p)
    return text if len(text) <= limit else text[: limit - 3] + "..."
