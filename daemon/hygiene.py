"""Text hygiene: Unicode NFC, no invisible characters, mojibake repaired, tidy paragraphs.

Applied to every extracted or feed-supplied text before residue cleaning, so the rules and the
dedup fingerprints see one normal form.
"""

from __future__ import annotations

import re
import unicodedata

_CONTINUATION = "".join(
    bytes([b]).decode("cp1252", errors="ignore") + chr(b) for b in range(0x80, 0xC0)
)
_MOJIBAKE = re.compile("[\u00c2-\u00f4][" + re.escape(_CONTINUATION) + "]{1,3}")


def _misread_bytes(chars: str) -> bytes | None:
    out = bytearray()
    for char in chars:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            out.append(ord(char))
    return bytes(out)


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    lead = ord(run[0])
    needed = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
    if len(run) < needed + 1:
        return run
    raw = _misread_bytes(run[:needed + 1])
    try:
        return raw.decode("utf-8") + run[needed + 1:] if raw else run
    except UnicodeDecodeError:
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("Ã©" -> "é", "â€™" -> "’"); other text is left alone."""
    return _MOJIBAKE.sub(_repair_run, text) if _MOJIBAKE.search(text) else text


def _char_classes() -> dict[str, re.Pattern[str]]:
    """Regex classes over the Basic and Supplementary Multilingual Planes (format controls such as
    Egyptian hieroglyph joiners live in the latter) and plane-14 tags, built in one pass."""
    found: dict[str, list[str]] = {"invisible": [], "space": [], "break": []}
    for code in (*range(0xD800), *range(0xE000, 0x20000), *range(0xE0000, 0xE0080)):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cc", "Cf") and char not in "\n\t\u200c\u200d":
            found["invisible"].append(char)   # zero-width spaces, BOM, bidi marks, soft hyphen
        elif category == "Zs" or char == "\t":
            found["space"].append(char)
        elif category in ("Zl", "Zp"):
            found["break"].append(char)
    return {kind: re.compile(f"[{_ranges(chars)}]+") for kind, chars in found.items()}


def _ranges(chars: list[str]) -> str:
    """Consecutive characters as a-z ranges: a class of ranges matches far faster than a list."""
    spans: list[list[int]] = []
    for code in map(ord, chars):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in spans)


# The joiners U+200C/U+200D stay: Persian, Indic scripts and emoji need them.
_CLASSES = _char_classes()
_INVISIBLE, _SPACES, _LINE_BREAKS = _CLASSES["invisible"], _CLASSES["space"], _CLASSES["break"]
_SURROGATES = re.compile("[\ud800-\udfff]+")   # lone halves (a JSON "\\ud800"): UTF-8 cannot store them


def hygiene(text: str) -> str:
    """NFC, no zero-width, control or lone surrogate characters, mojibake repaired, one blank line
    between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not text.isascii():
        text = _SURROGATES.sub("", text)
        for _ in range(3):  # removing a control character can bring mojibake halves together
            repaired = _INVISIBLE.sub("", repair_mojibake(text))
            if repaired == text:
                break
            text = repaired
        text = unicodedata.normalize("NFC", text)
        text = _LINE_BREAKS.sub("\n", _SPACES.sub(" ", text))
    text = _INVISIBLE.sub("", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)
