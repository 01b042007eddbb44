"""Residue rules: the patterns and limits that daemon.clean applies, loaded from TOML.

The shipped config/residue.toml comes first; an operator's extra file of the same shape adds
patterns (globally or per site) and may override limits. Bad patterns are refused at load time
with the key that holds them, like any other config error.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daemon.errors import ConfigError, ConfigProblem
from daemon.paths import shipped_config_path

RULES_FILE = "residue.toml"
_PATTERN_KEYS = ("paragraphs", "teasers", "phrases", "widgets", "tail")


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
    data = _read_toml(shipped)
    if extra_path:
        data = _merge(data, _read_toml(Path(extra_path)), str(extra_path))
    return _compile(data, str(extra_path or shipped))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError([ConfigProblem("residue_rules", 0, f"cannot read: {exc}")], str(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem("residue_rules", 0, str(exc))], str(path))


def _merge(base: dict[str, Any], extra: dict[str, Any], path: str) -> dict[str, Any]:
    """Pattern lists add up; single values (limits, icons, dateline) from the extra file win."""
    unknown = set(extra) - {"global", "sites", "icons", "dateline", "limits", "walls"}
    if unknown:
        raise ConfigError([ConfigProblem(k, 0, "unknown section") for k in sorted(unknown)], path)
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
            current[key] = [*current.get(key, []), *patterns]
    merged["sites"] = sites
    for section in ("icons", "dateline", "limits"):
        merged[section] = {**base.get(section, {}), **extra.get(section, {})}
    merged["walls"] = {"patterns": [*base.get("walls", {}).get("patterns", []),
                                    *extra.get("walls", {}).get("patterns", [])]}
    if "words" in extra.get("dateline", {}):
        merged["dateline"]["words"] = [*base.get("dateline", {}).get("words", []),
                                       *extra["dateline"]["words"]]
    return merged


def _compile(data: dict[str, Any], path: str) -> ResidueRules:
    problems: list[ConfigProblem] = []
    common = _compile_set(data.get("global", {}), "global", problems)
    sites = tuple(
        (host.lower().removeprefix("www."), _compile_set(rules, f"sites.{host}", problems))
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
    try:
        limits = Limits(**limits_data)
    except TypeError as exc:
        problems.append(ConfigProblem("limits", 0, str(exc)))
        limits = Limits()
    walls: list[re.Pattern[str]] = []
    for pattern in data.get("walls", {}).get("patterns", []):
        try:
            walls.append(re.compile(pattern, re.IGNORECASE))
        except (re.error, TypeError) as exc:
            problems.append(ConfigProblem("walls.patterns", 0, f"bad pattern {pattern!r}: {exc}"))
    if problems:
        raise ConfigError(problems, path)
    words = frozenset(str(w).casefold() for w in dateline.get("words", []))
    return ResidueRules(common, sites, limits, words, _alternation(walls))


def _compile_set(section: dict[str, Any], scope: str, problems: list[ConfigProblem]) -> PatternSet:
    for key in set(section) - set(_PATTERN_KEYS):
        problems.append(ConfigProblem(f"{scope}.{key}", 0, "unknown key"))
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for key in _PATTERN_KEYS:
        compiled[key] = []
        for pattern in section.get(key, []):
            try:
                compiled[key].append(re.compile(pattern, re.IGNORECASE))
            except (re.error, TypeError) as exc:
                problems.append(ConfigProblem(f"{scope}.{key}", 0, f"bad pattern {pattern!r}: {exc}"))
    return PatternSet(
        paragraphs=_alternation(compiled["paragraphs"]),
        teasers=_alternation(compiled["teasers"]),
        phrases=tuple(compiled["phrases"]),
        widgets=_alternation(compiled["widgets"]),
        tail=_alternation(compiled["tail"]),
    )


def _alternation(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex per kind keeps matching fast: each paragraph is tried once, not per pattern."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
