"""Where keys are written in a TOML file, so every config problem can point at its line.

tomllib gives values but no positions; the main config and an extra residue rules file both
need 'file:line' in their messages, so the scanning lives here, once.
"""

from __future__ import annotations

import re


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
        """The line of key, else of its nearest written parent, else 0."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit(".", 1)[0] if "." in key else ""
        return 0

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


_TOML_LINE = re.compile(r"line (\d+)")


def line_in_message(message: str) -> int:
    """The line a tomllib syntax error names ('... (at line 3, column 7)'), else 0."""
    match = _TOML_LINE.search(message)
    return int(match.group(1)) if match else 0
