"""Page bytes to text: slim a huge page before it is cut, then pick the charset as browsers do.

Split from extract.py: both steps work on raw bytes, before any HTML parsing.
"""

from __future__ import annotations

import codecs
import re

# Labels browsers read as a superset codec (WHATWG Encoding Standard): pages declaring
# "us-ascii" or "iso-8859-1" really use windows-1252 curly quotes, dashes and accents.
WHATWG_SUPERSETS = {"ascii": "cp1252", "iso8859-1": "cp1252", "iso8859-9": "cp1254",
                    "iso8859-11": "cp874", "tis-620": "cp874"}
# Codecs whose bytes are not ASCII-compatible: valid UTF-8 says nothing about them.
WIDE_CODECS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
# A page declared UTF-8 whose bytes break more often than they form UTF-8 characters is
# legacy text behind a server default, not UTF-8 with a few bad bytes.
UTF8_DAMAGE_MAX_SHARE = 0.5
LONG_ATTRIBUTE_CHARS = 2_000      # inline images, state blobs: no article text in there
DETECTION_SAMPLE_BYTES = 200_000

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Blocks that hold no article text; each is removed up to its closer, found by a forward search.
_BLOCK_OPENER = re.compile(rb"<!--|<(script|style|svg|noscript)\b[^>]*+>", re.I)
_BLOCK_CLOSERS = {name: re.compile(rb"</" + name + rb"\s*>", re.I)
                  for name in (b"script", b"style", b"svg", b"noscript")}
_COMMENT_CLOSER = re.compile(rb"-->")
# Possessive runs never backtrack: one pass over the bytes whatever the input.
_LONG_VALUES = re.compile(
    rb"""=\s*+"[^"]{%d,}+"|=\s*+'[^']{%d,}+'|=[^\s"'>]{%d,}+|data:[\w.+/-]*;base64,[\w+/=\s]{%d,}+"""
    % ((LONG_ATTRIBUTE_CHARS,) * 4))


def slim_html(body: bytes) -> bytes:
    """Scripts, styles, inline SVG, noscript, comments and long attribute values, gone.

    Runs in time linear in the input and never returns more bytes than it got.
    """
    parts, position = [], 0
    while (opener := _BLOCK_OPENER.search(body, position)) is not None:
        name = (opener.group(1) or b"").lower()
        if name == b"script" and b"ld+json" in opener.group(0).lower():  # metadata stays
            parts.append(body[position:opener.end()])
            position = opener.end()
            continue
        if name and opener.group(0).endswith(b"/>"):  # self-closing: nothing inside
            parts.append(body[position:opener.end()])
            position = opener.end()
            continue
        closer = (_BLOCK_CLOSERS[name] if name else _COMMENT_CLOSER).search(body, opener.end())
        if closer is None:  # unterminated: keep the rest as it is, stop searching
            break
        parts.append(body[position:opener.start()])
        position = closer.end()
    parts.append(body[position:])
    return _LONG_VALUES.sub(_short_value, b"".join(parts))


def _short_value(match: re.Match[bytes]) -> bytes:
    return b"data:," if match.group(0).startswith(b"data:") else b'=""'


def decode_body(body: bytes, content_type: str | None) -> str:
    """Bytes to text: BOM, then the declared charset (header, then meta), then detection.

    Valid non-ASCII UTF-8 wins over any 8-bit declaration (it is almost never legacy text),
    and a UTF-8 declaration over clearly legacy bytes falls back to meta, then detection.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace")
    meta = codec(_meta_charset(body))
    declared = codec(_header_charset(content_type)) or meta
    if declared in WIDE_CODECS:
        return body.decode(declared, errors="replace")
    if _is_utf8(body) and (declared in (None, "utf-8") or not body.isascii()):
        return body.decode("utf-8", errors="replace")  # "replace": a cut may split the last character
    if declared and declared != "utf-8":
        return body.decode(declared, errors="replace")
    if declared == "utf-8" and _mostly_utf8(body):
        return body.decode("utf-8", errors="replace")
    if meta and meta != "utf-8" and meta not in WIDE_CODECS:
        return body.decode(meta, errors="replace")
    from charset_normalizer import from_bytes  # imported late: only needed for undeclared bytes

    best = from_bytes(body[:DETECTION_SAMPLE_BYTES]).best()
    detected = codec(best.encoding) if best else None
    return body.decode(detected if detected and detected != "utf-8" else "cp1252", errors="replace")


def codec(name: str | None) -> str | None:
    """Python's codec for a charset label, read the way browsers read it; None if unknown."""
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    if found in ("utf-8", "utf-8-sig"):
        return "utf-8"
    return WHATWG_SUPERSETS.get(found, found)


def _is_utf8(body: bytes) -> bool:
    """Valid UTF-8, allowing one character cut short at the very end."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    whole = sum(1 for char in text if char > "\x7f") - broken
    return broken <= UTF8_DAMAGE_MAX_SHARE * (broken + whole)


def _header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:8192])
    return match.group(1).decode("ascii", errors="ignore") if match else None
