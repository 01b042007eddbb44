"""Residue rules: the patterns and limits that daemon.clean applies, loaded from TOML.

The shipped config/residue.toml comes first; an operator's extra file of the same shape adds
patterns (globally or per site) and may override limits. Bad patterns are refused at load time
with the key and line that hold them, like any other config error; check_rules runs the same
load for check-config, so a bad file is caught before any worker needs it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from daemon.config_lines import LineIndex, line_in_message
from daemon.errors import ConfigError, ConfigProblem
from daemon.paths import shipped_config_path

RULES_FILE = "residue.toml"
_PATTERN_KEYS = ("paragraphs", "teasers", "phrases", "widgets", "tail")
_SECTIONS = ("global", "sites", "icons", "dateline", "limits", "walls")


@dataclass(frozen=True, slots=True)
class PatternSet:
    """The compiled patterns of one scope: the global rules, or one site's extras."""

    paragraphs: re.Pattern[str] | None
    teasers: re.Pattern[str] | None
    phrases: tuple[re.Pattern[str], ...]
    widgets: re.Pattern[str] | None
    tail: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class Limits:
    """Numbers that bound each rule, so a rule cannot eat a long real paragraph."""

    tail_paragraphs: int = 4
    teaser_max_words: int = 35
    widget_line_max_words: int = 16
    widget_tail_max_words: int = 90
    menu_run_min_lines: int = 6
    menu_line_max_words: int = 4
    headline_scan_paragraphs: int = 3
    drop_dek_after_headline: bool = True
    dek_max_words: int = 45
    icon_token: str = "icon"
    icon_min_count: int = 3
    icon_max_words_per_icon: int = 4
    dateline_max_words: int = 12
    repeat_min_words: int = 12


@dataclass(frozen=True, slots=True)
class ResidueRules:
    """Everything clean() needs: global patterns, per-site patterns, limits and dateline words."""

    common: PatternSet
    sites: tuple[tuple[str, PatternSet], ...]
    limits: Limits
    dateline_words: frozenset[str]
    walls: re.Pattern[str] | None = None  # paywall / cookie-wall prompts, to name a skip's reason

    def patterns_for(self, host: str | None) -> tuple[PatternSet, ...]:
        """The global set plus the sets of every site rule that covers ``host``."""
        if not host:
            return (self.common,)
        host = host.lower().removeprefix("www.")
        extra = tuple(s for site, s in self.sites if host == site or host.endswith("." + site))
        return (self.common, *extra)



def load_rules(extra_path: str | Path | None = None) -> ResidueRules:
    """Load the shipped rules and, when given, a user's extra file of the same shape on top."""
    shipped = shipped_config_path(RULES_FILE)
    shipped_text = _read_text(shipped)
    data = _parse(shipped_text, shipped)
    if not extra_path:
        return _compile(data, str(shipped), LineIndex(shipped_text))
    path = Path(extra_path)
    text = _read_text(path)
    return merged_rules(data, _parse(text, path), str(path), LineIndex(text))


def merged_rules(shipped: dict[str, Any], extra: dict[str, Any], path: str, lines: LineIndex) -> ResidueRules:
    """Parsed shipped rules with a parsed extra file on top; any shape or pattern it gets wrong is
    a ConfigError naming the key and, through lines, where the extra file writes it."""
    problems = _shape_problems(extra, lines)
    if problems:
        raise ConfigError(sorted(problems, key=lambda p: p.line or float("inf")), path)
    return _compile(_merge(shipped, extra), path, lines)


def check_rules(extra_path: str | Path) -> list[ConfigProblem]:
    """Every problem in an operator's extra rules file, each naming that file, for check-config.

    The daemon's workers load the same file with load_rules; checking it when the config is
    loaded turns a bad pattern into one clear error instead of a failure on every article.
    """
    try:
        load_rules(extra_path)
    except ConfigError as exc:
        return [replace(problem, path=str(extra_path)) for problem in exc.problems]
    return []


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([ConfigProblem("residue_rules", 0, f"cannot read: {exc.strerror or exc}")], str(path))
    except UnicodeDecodeError:
        raise ConfigError([ConfigProblem("residue_rules", 0, "not UTF-8 text")], str(path))


def _parse(text: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem("(syntax)", line_in_message(str(exc)), str(exc))], str(path))


def _shape_problems(extra: dict[str, Any], lines: LineIndex) -> list[ConfigProblem]:
    """Wrong shapes in an extra file (a string where a list of patterns belongs would otherwise be
    split into one-letter patterns that eat every paragraph)."""
    problems = [ConfigProblem(k, lines.line_of(k), "unknown section (known: " + ", ".join(_SECTIONS) + ")")
                for k in extra if k not in _SECTIONS]
    for section in _SECTIONS:
        if section in extra and not isinstance(extra[section], dict):
            problems.append(ConfigProblem(section, lines.line_of(section), "expected a table"))
    lists: list[tuple[str, Any]] = [("walls.patterns", _get(extra, "walls", "patterns")),
                                    ("dateline.words", _get(extra, "dateline", "words"))]
    lists += [(f"global.{key}", _get(extra, "global", key)) for key in _PATTERN_KEYS]
    sites = extra.get("sites", {})
    for host, rules in (sites.items() if isinstance(sites, dict) else ()):
        if not isinstance(rules, dict):
            problems.append(ConfigProblem(f"sites.{host}", lines.line_of(f"sites.{host}"), "expected a table"))
            continue
        lists += [(f"sites.{host}.{key}", rules.get(key)) for key in _PATTERN_KEYS]
    for key, value in lists:
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(ConfigProblem(key, lines.line_of(key), "expected a list of strings"))
    return problems


def _get(data: dict[str, Any], section: str, key: str) -> Any:
    table = data.get(section)
    return table.get(key) if isinstance(table, dict) else None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Pattern lists add up; single values (limits, icons, dateline) from the extra file win."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in base.items()}
    for key in _PATTERN_KEYS:
        extra_list = extra.get("global", {}).get(key, [])
        merged.setdefault("global", {})[key] = [*merged.get("global", {}).get(key, []), *extra_list]
    for key, value in extra.get("global", {}).items():
        merged["global"].setdefault(key, value)  # unknown keys pass through to be reported
    sites = {host: dict(rules) for host, rules in merged.get("sites", {}).items()}
    for host, rules in extra.get("sites", {}).items():
        current = sites.setdefault(host, {})
        for key, patterns in rules.items():
            current[key] = [*current.get(key, []), *patterns] if key in _PATTERN_KEYS else patterns
    merged["sites"] = sites
    for section in ("icons", "dateline", "limits"):
        merged[section] = {**base.get(section, {}), **extra.get(section, {})}
    merged["walls"] = {"patterns": [*base.get("walls", {}).get("patterns", []),
                                    *extra.get("walls", {}).get("patterns", [])]}
    if "words" in extra.get("dateline", {}):
        merged["dateline"]["words"] = [*base.get("dateline", {}).get("words", []),
                                       *extra["dateline"]["words"]]
    return merged


def _compile(data: dict[str, Any], path: str, lines: LineIndex) -> ResidueRules:
    problems: list[ConfigProblem] = []
    common = _compile_set(data.get("global", {}), "global", problems, lines)
    sites = tuple(
        (host.lower().removeprefix("www."), _compile_set(rules, f"sites.{host}", problems, lines))
        for host, rules in data.get("sites", {}).items()
    )
    limits_data = {**data.get("limits", {})}
    icons = data.get("icons", {})
    limits_data.update({f"icon_{k}": v for k, v in icons.items() if k != "token"})
    if "token" in icons:
        limits_data["icon_token"] = icons["token"]
    dateline = data.get("dateline", {})
    if "max_words" in dateline:
        limits_data["dateline_max_words"] = dateline["max_words"]
    limits = _limits(limits_data, problems, lines)
    walls = _compiled("walls.patterns", data.get("walls", {}).get("patterns", []), problems, lines)
    if problems:
        raise ConfigError(sorted(problems, key=lambda p: p.line or float("inf")), path)
    words = frozenset(str(w).casefold() for w in dateline.get("words", []))
    return ResidueRules(common, sites, limits, words, _alternation(walls))


def _limits(values: dict[str, Any], problems: list[ConfigProblem], lines: LineIndex) -> Limits:
    """Limits of the right type only: a string where a number belongs would fail on every article."""
    defaults = {f.name: f.default for f in fields(Limits)}
    for name in sorted(set(values) - set(defaults)):
        problems.append(ConfigProblem(f"limits.{name}", lines.line_of(f"limits.{name}"), "unknown limit"))
    for name, value in values.items():
        default = defaults.get(name)
        if name in defaults and (type(value) is not type(default)):
            key = _limit_key(name)
            problems.append(ConfigProblem(key, lines.line_of(key),
                                          f"expected {type(default).__name__}, got {value!r}"))
    return Limits(**{k: v for k, v in values.items() if k in defaults})


def _limit_key(name: str) -> str:
    """The key an operator wrote for a limit (icons and dateline keep some under their own table)."""
    if name == "icon_token":
        return "icons.token"
    if name.startswith("icon_"):
        return f"icons.{name[5:]}"
    return "dateline.max_words" if name == "dateline_max_words" else f"limits.{name}"


def _compile_set(section: dict[str, Any], scope: str, problems: list[ConfigProblem],
                 lines: LineIndex) -> PatternSet:
    for key in sorted(set(section) - set(_PATTERN_KEYS)):
        problems.append(ConfigProblem(f"{scope}.{key}", lines.line_of(f"{scope}.{key}"),
                                      "unknown key (known: " + ", ".join(_PATTERN_KEYS) + ")"))
    compiled = {key: _compiled(f"{scope}.{key}", section.get(key, []), problems, lines) for key in _PATTERN_KEYS}
    return PatternSet(
        paragraphs=_alternation(compiled["paragraphs"]),
        teasers=_alternation(compiled["teasers"]),
        phrases=tuple(compiled["phrases"]),
        widgets=_alternation(compiled["widgets"]),
        tail=_alternation(compiled["tail"]),
    )


def _compiled(key: str, patterns: list[Any], problems: list[ConfigProblem], lines: LineIndex) -> list[re.Pattern[str]]:
    """Each pattern compiled; each one that does not compile is a problem on its own line."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            line = lines.line_of_value(key, pattern) if isinstance(pattern, str) else lines.line_of(key)
            problems.append(ConfigProblem(key, line, f"bad pattern {pattern!r}: {exc}"))
    return compiled


def _alternation(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex per kind keeps matching fast: each paragraph is tried once, not per pattern."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
