"""Safe Python names and literals from schema text.

Every name that reaches generated code passes through here, and every piece of schema text
(docs, names, schema bodies) reaches it only as an escaped string literal or docstring, so no
schema can inject code. Names are folded to ASCII (``café`` -> ``cafe``, other letters ->
``u540d``), converted to the Python convention of their kind, and mangled deterministically
when they are keywords, shadow a name the generated code relies on, or clash after conversion
(``userId`` and ``user_id``): a trailing ``_``, then ``_2``, ``_3``... in declaration order.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

# Names an annotation or class-body expression in generated code may refer to; a field of
# that name would shadow it inside the class body (mypy then rejects the annotation).
ANNOTATION_NAMES = frozenset(
    {
        "Any",
        "Callable",
        "ClassVar",
        "EventType",
        "Handler",
        "Mapping",
        "MappingProxyType",
        "Metadata",
        "Publisher",
        "Self",
        "bool",
        "bytes",
        "dataclasses",
        "datetime",
        "decimal",
        "dict",
        "enum",
        "float",
        "int",
        "list",
        "object",
        "str",
        "tuple",
        "type",
        "uuid",
    }
)
# Members every generated event class has.
EVENT_MEMBERS = frozenset(
    {
        "EVENT_NAME",
        "TOPIC",
        "SUBJECT",
        "SCHEMA_TYPE",
        "SCHEMA",
        "RECORD_NAME",
        "FINGERPRINT",
        "KEY_FIELD",
        "VALIDATE",
        "to_dict",
        "to_primitives",
        "from_primitives",
        "from_dict",
        "kafka_key",
        "self",
        "cls",
    }
)
# Module-level names of a generated package besides its classes (including what it may
# import from accord.runtime.avro_values: lower-case functions, and EXACT).
MODULE_NAMES = (
    frozenset({"EVENTS", "EXACT", "annotations", "cast", "_slot_setters"}) | ANNOTATION_NAMES
)
BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))
# Enum members cannot be these (they are attributes of every Enum member).
ENUM_RESERVED = frozenset({"name", "value", "mro"})

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def ascii_fold(text: str) -> str:
    """Letters with accents lose them; other non-ASCII characters become ``_uXXXX_``."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isascii():
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append(base if base else f"_u{ord(ch):04x}_")
    return "".join(out)


def words(text: str) -> list[str]:
    """The words of a name, split at separators and camelCase boundaries."""
    folded = ascii_fold(text)
    return [w for part in _NOT_WORD.split(folded) for w in _CAMEL_BOUNDARY.split(part) if w]


def _avoid_digit_start(name: str, prefix: str) -> str:
    return f"{prefix}{name}" if name[:1].isdigit() else name


def snake(text: str) -> str:
    """``userId`` -> ``user_id``; always a valid identifier (never empty)."""
    name = "_".join(w.lower() for w in words(text)) or "field"
    return _avoid_digit_start(name, "f_")


def pascal(text: str) -> str:
    """``order_line`` / ``order-line`` -> ``OrderLine``; keeps existing capitals."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "Type"
    return _avoid_digit_start(name, "T")


def member(text: str) -> str:
    """An enum member name: the symbol itself when it is a plain identifier."""
    folded = ascii_fold(text)
    name = _NOT_WORD.sub("_", folded).strip("_") or "EMPTY"
    return _avoid_digit_start(name, "V_")


def is_reserved(name: str, extra: Iterable[str] = ()) -> bool:
    return keyword.iskeyword(name) or name in extra


class Namer:
    """Hands out unique names in one namespace, mangling deterministically.

    ``reserved`` names are never handed out; a wanted name that is reserved or taken gets a
    trailing ``_``, then ``_2``, ``_3``...
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.reserved = frozenset(reserved)
        self.taken: set[str] = set()

    def free(self, name: str) -> bool:
        return not (is_reserved(name, self.reserved) or name in self.taken)

    def claim(self, wanted: str) -> str:
        name = wanted
        if not self.free(name):
            name = f"{wanted}_"
        n = 2
        while not self.free(name):
            name = f"{wanted}_{n}"
            n += 1
        self.taken.add(name)
        return name


# --- literals --------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str, *, keep_newline: bool = False) -> str:
    if keep_newline and ch == "\n":
        return ch
    simple = _SIMPLE_ESCAPES.get(ch)
    if simple is not None:
        return simple
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_string(text: str) -> str:
    """A double-quoted Python literal whose value is exactly ``text``."""
    return '"' + "".join(_escape_char(ch) for ch in text) + '"'


def py_string_lines(text: str, width: int = 76) -> list[str]:
    """``text`` as literals of at most ``width`` characters, for implicit concatenation.

    Pieces end after a comma or space where one is near the limit, so long JSON reads well.
    """
    pieces: list[str] = []
    current: list[str] = []  # escaped characters
    length = 2
    for ch in text:
        escaped = _escape_char(ch)
        if current and length + len(escaped) > width:
            cut = _break_at(current)
            pieces.append('"' + "".join(current[:cut]) + '"')
            current = current[cut:]
            length = 2 + sum(len(c) for c in current)
        current.append(escaped)
        length += len(escaped)
    pieces.append('"' + "".join(current) + '"')
    return pieces


def _break_at(chars: list[str]) -> int:
    for i in range(len(chars) - 1, len(chars) * 2 // 3, -1):
        if chars[i] in (",", " "):
            return i + 1
    return len(chars)


def docstring(text: str, indent: int, width: int = 96) -> str:
    """A triple-quoted docstring literal (with its quotes) holding ``text``, wrapped.

    Every double quote and backslash is escaped, so no text can close the literal early;
    paragraphs (blank-line separated) are kept, other whitespace is reflowed to ``width``.
    """
    pad = " " * indent
    room = max(width - indent, 20)
    lines: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        words = [_escape_words(w) for w in para.split()]
        if not words:
            continue
        if lines:
            lines.append("")
        lines.extend(_fill(words, room, first=room - 3 if not lines else room))
    if not lines:
        return '""""""'
    if len(lines) == 1 and len(lines[0]) <= room - 6:
        return f'"""{lines[0]}"""'
    rest = "".join(f"\n{pad}{line}" if line else "\n" for line in lines[1:])
    return f'"""{lines[0]}{rest}\n{pad}"""'


def _escape_words(word: str) -> list[str]:
    return [_escape_char(ch) for ch in word]


def _fill(escaped_words: list[list[str]], room: int, first: int) -> list[str]:
    """Greedy fill; a word longer than a line is cut between (escaped) characters."""
    lines: list[str] = []
    line = ""

    def limit() -> int:
        return first if not lines else room

    for chars in escaped_words:
        word = "".join(chars)
        if len(word) > limit():
            if line:
                lines.append(line)
                line = ""
            for piece in chars:
                if len(line) + len(piece) > limit():
                    lines.append(line)
                    line = ""
                line += piece
            continue
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= limit():
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines
