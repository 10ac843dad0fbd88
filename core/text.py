"""Characters no saved text may contain, and how to name them to a person.

PostgreSQL refuses NUL (U+0000) in text and lone surrogates cannot be encoded
as UTF-8, so either would end in a server error when saved. Bidirectional
override and isolate controls (U+202A–U+202E, U+2066–U+2069) are invisible and
reorder what a reader sees ("Trojan Source"): in a dated, citable text they can
only hide something. Everything that accepts text from a person or a client
(the API's input serializers, form posts) rejects them with the field named.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FORBIDDEN_NAMES: dict[int, str] = {
    0x0000: "NUL文字",
    0x202A: "左から右への埋め込み（LRE）",
    0x202B: "右から左への埋め込み（RLE）",
    0x202C: "方向の書式解除（PDF）",
    0x202D: "左から右への上書き（LRO）",
    0x202E: "右から左への上書き（RLO）",
    0x2066: "左から右への分離（LRI）",
    0x2067: "右から左への分離（RLI）",
    0x2068: "最初の強い方向による分離（FSI）",
    0x2069: "方向の分離解除（PDI）",
}
_FORBIDDEN = frozenset(chr(code) for code in FORBIDDEN_NAMES)


def forbidden_character(text: str) -> str | None:
    """Return a Japanese description of the first character ``text`` must not contain, or ``None``."""
    for char in text:
        code = ord(char)
        if char in _FORBIDDEN:
            return f"U+{code:04X} {FORBIDDEN_NAMES[code]}"
        if 0xD800 <= code <= 0xDFFF:
            return f"U+{code:04X} 対になっていないサロゲート（不正なUnicode）"
    return None


def forbidden_character_message(text: str) -> str | None:
    """Return the error message for ``text`` (one sentence, Japanese), or ``None`` when it is clean."""
    found = forbidden_character(text)
    return None if found is None else f"使用できない文字（{found}）が含まれています。"


def strings_in(value: Any) -> Iterator[str]:
    """Yield every string in a parsed JSON value (keys included), iteratively: depth cannot exhaust the stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def json_depth(value: Any) -> int:
    """Return the nesting depth of a parsed JSON value (a scalar is 0), iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest
