"""Where keys are written in a TOML file, so every config problem can point at its line.

tomllib gives values but no positions; the main config and an extra residue rules file both
need 'file:line' in their messages, so the scanning lives here, once, with the problems of a
file as a whole (unreadable, not UTF-8, not TOML), which have a position but no key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from daemon.errors import ConfigProblem


class LineIndex:
    """Maps dotted config keys ('feeds[2].url') to the line they are written on.

    We scan the text once, tracking table headers and array-of-tables counters; good enough
    to point an operator at the right line.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    # a bare, "quoted" or 'literal' key, or dotted parts of them: quoted keys may hold spaces and
    # accents ("Tin Akoff", "Ségou" under [places])
    _KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*=""")

    def __init__(self, text: str) -> None:
        self.text_lines = text.splitlines()
        self.lines: dict[str, int] = {}
        counters: dict[str, int] = {}
        table = ""
        for number, line in enumerate(self.text_lines, start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace("'", "")
                if header.group(1) == "[[":
                    counters[name] = counters.get(name, -1) + 1
                    table = f"{name}[{counters[name]}]"
                else:
                    table = name
                self.lines.setdefault(table, number)
                continue
            key = self._KEY.match(line)
            if key:
                name = key.group(1).strip().replace('"', "").replace("'", "")
                self.lines.setdefault(f"{table}.{name}" if table else name, number)

    def line_of(self, key: str) -> int:
        """The line of key, else of its nearest written parent, else 0. A name written as an array
        of tables ([[feed]]) is found at its first header."""
        while key:
            for written in (key, f"{key}[0]"):
                if written in self.lines:
                    return self.lines[written]
            key = key.rsplit(".", 1)[0] if "." in key else ""
        return 0

    def item_lines(self, key: str, count: int) -> list[int]:
        """The line each of the first count items of the array written at key starts on (0 where it
        cannot be told). TOML strings, inline tables, nested arrays and comments are stepped over, so
        any item, "" or 42 or {…}, is found and a problem can point at its own line."""
        start = self.line_of(key)
        name = re.escape(key.rsplit(".", 1)[-1])
        head = re.match(rf"""^\s*(?:{name}|"{name}"|'{name}')\s*=\s*""", self.text_lines[start - 1]) if start else None
        if head is None or not self.text_lines[start - 1][head.end():].startswith("["):
            return [0] * count
        text = "\n".join(self.text_lines[start - 1:])
        found: list[int] = []
        i, depth, line, expecting = head.end() + 1, 1, start, True
        while i < len(text) and depth and len(found) < count:
            c = text[i]
            if c == "\n":
                line += 1
            elif c == "#":
                i = text.find("\n", i) if "\n" in text[i:] else len(text)
                continue
            elif not c.isspace():
                if expecting and depth == 1 and c not in ",]":
                    found.append(line)
                    expecting = False
                if c in "\"'":
                    end = _string_end(text, i)
                    line += text.count("\n", i, end)
                    i = end
                    continue
                depth += (c in "[{") - (c in "]}")
                expecting = expecting or (c == "," and depth == 1)
            i += 1
        return found + [0] * (count - len(found))

    def line_of_value(self, key: str, value: str) -> int:
        """The line, at or after key's, where the string value is written (an item of a multi-line
        list); key's own line when the value cannot be found as written."""
        start = self.line_of(key)
        forms = {value, value.replace("\\", "\\\\"), value.replace("\\", "\\\\").replace('"', '\\"')}
        for number in range(max(start, 1), len(self.text_lines) + 1):
            line = self.text_lines[number - 1]
            if any(f"'{form}'" in line or f'"{form}"' in line for form in forms):
                return number
            if number > start and self._HEADER.match(line):
                break
        return start


def _string_end(text: str, i: int) -> int:
    """The index just past the TOML string that starts at text[i] (basic, literal, or multi-line)."""
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[i] == '"' and text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        j += 1
    return len(text)


_TOML_LINE = re.compile(r"line (\d+)")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


# tomllib's wording for the slips operators make most, and what it means in their terms
_SYNTAX_HINTS = (("cannot overwrite a value", " (the key is written twice in its table)"),
                 ("cannot declare", " (the table is written twice)"),
                 ("illegal character '\\n'", " (a string is not closed before the end of its line)"),
                 ("invalid value", " (a value is missing, or a string lacks its quotes)"))


def line_in_message(message: str) -> int:
    """The line a tomllib syntax error names ('... (at line 3, column 7)'), else 0."""
    match = _TOML_LINE.search(message)
    return int(match.group(1)) if match else 0


@dataclass(frozen=True, slots=True)
class FileProblem(ConfigProblem):
    """A problem with the file as a whole (unreadable, not UTF-8, not TOML), where no key is to blame.

    key stays a marker for code that sorts problems ("(file)", "(syntax)"), but the operator reads
    'newswatch.toml:4:5: message' with no placeholder where a key would go, and no line 0.
    """

    column: int = 0

    def describe(self, path: str = "") -> str:
        where = self.path or path or "config"
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}"


def syntax_problem(error: Exception, text: str) -> FileProblem:
    """A tomllib error as the operator wants it: line and column, what is wrong, and the line itself."""
    message = str(error)
    lines = text.splitlines()
    match = _TOML_POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match and match.group(1) else (len(lines), 0)
    reason = message[:match.start()] if match else message
    reason = reason[:1].lower() + reason[1:]
    reason += next((hint for start, hint in _SYNTAX_HINTS if reason.startswith(start)), "")
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if len(shown) > 80:
        shown = shown[:77] + "..."
    written = f"; line {line} reads: {shown}" if shown else ""
    return FileProblem("(syntax)", line, f"not valid TOML: {reason}{written}", column=column)


def unreadable_problem(exc: OSError) -> FileProblem:
    """Why the config file cannot be read, and what to do about the usual causes."""
    if isinstance(exc, FileNotFoundError):
        return FileProblem("(file)", 0, "cannot read config: no such file (name yours with -c PATH; "
                                        "config/newswatch.toml in the source tree is an example to copy)")
    if isinstance(exc, IsADirectoryError):
        return FileProblem("(file)", 0, "cannot read config: this is a folder (name the .toml file in it)")
    return FileProblem("(file)", 0, f"cannot read config: {exc.strerror or exc}")


def undecodable_problem(data: bytes, exc: UnicodeDecodeError) -> FileProblem:
    """A config in a legacy encoding: where its first undecodable byte is, and how to convert it."""
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return FileProblem("(file)", line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); convert the file, "
                                       "e.g. iconv -f WINDOWS-1252 -t UTF-8", column=column)
