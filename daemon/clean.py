"""Rule-based residue cleaning of extracted article text.

Extractors keep clutter that sits between or after paragraphs (inline teasers, share prompts,
bios, widgets, icon labels). The rules that find it are data (config/residue.toml, extendable
per site, loaded by daemon.residue); this module applies them paragraph by paragraph and records
what it removed. hygiene() and load_rules() are re-exported so callers need only this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from daemon.hygiene import hygiene, repair_mojibake
from daemon.residue import Limits, PatternSet, ResidueRules, load_rules

__all__ = ["Cleaned", "ResidueRules", "clean", "hygiene", "load_rules", "repair_mojibake", "word_count"]

_SENTENCE_END = re.compile(r"[.!?…:;\"”’')\]。！？」』）؟۔]$")
_WORD = re.compile(r"\w+")
_LIST_MARK = re.compile(r"^(?:[-–—•*·▪►»]|\d{1,2}[.)])\s+")
_MENU_LINE_END = re.compile(r"[.!?…:;。！？؟۔]$")
_INTRODUCES_LIST = (":", "：")
_RULE_MAX_CHARS = 2000  # clutter lines are short; longer paragraphs skip the teaser, widget and tail rules
# A year (in Western or Arabic-Indic digits), a time ("17:23", "10h32") or a numeric day.
_DATE_ANCHOR = re.compile(r"\b(?:19|20|١٩|٢٠|۱۹|۲۰)\d\d\b|\b\d{1,2}[:h]\d\d\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_CLOCK_TOKEN = re.compile(r"\d{1,2}h\d\d")  # "10h32", one \w+ token, is a time like "10:32"


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Clean text (paragraphs separated by one blank line) and the pieces taken out of it."""

    text: str
    removed: tuple[str, ...]


def clean(text: str, rules: ResidueRules, *, title: str | None = None,
          host: str | None = None) -> Cleaned:
    """Remove residue paragraphs and prompts; every removed piece is listed in ``removed``."""
    sets = rules.patterns_for(host)
    limits = rules.limits
    removed: list[str] = []
    kept: list[str] = []
    for paragraph in (line.strip() for line in text.splitlines()):
        if not paragraph:
            continue
        paragraph = _strip_phrases(paragraph, sets, removed)
        if not paragraph:
            continue
        core = _LIST_MARK.sub("", paragraph)
        if _is_widget_heading(core, sets):
            kept.append(paragraph)  # left for _drop_widgets, which also takes its teaser lines
            continue
        if (not _WORD.search(paragraph) or _is_icon_run(paragraph, limits)
                or _full_match(core, sets, "paragraphs")
                or _is_teaser(core, sets, limits)):
            removed.append(paragraph)
            continue
        kept.append(paragraph)
    kept = _drop_widgets(kept, sets, limits, removed)
    kept = _drop_menu_runs(kept, limits, removed)
    kept = _drop_top(kept, title, rules, removed)
    kept = _drop_tail(kept, sets, limits, removed)
    if limits.repeat_min_words:
        kept = _drop_repeats(kept, limits.repeat_min_words, removed)
    return Cleaned("\n\n".join(kept), tuple(removed))


def word_count(text: str) -> int:
    """Words in text; scripts written without spaces (CJK) count one word per two characters."""
    spaced = len(text.split())
    if text.isascii() or len(text) < 8 * (spaced + 1):  # spaced prose: no need to look closer
        return spaced
    wide = sum(1 for c in text if c.isalpha() and unicodedata.east_asian_width(c) in ("W", "F"))
    return spaced + wide // 2


_words = word_count


def _full_match(paragraph: str, sets: tuple[PatternSet, ...], kind: str) -> bool:
    for pattern_set in sets:
        pattern = getattr(pattern_set, kind)
        if pattern is not None and pattern.fullmatch(paragraph):
            return True
    return False


def _strip_phrases(paragraph: str, sets: tuple[PatternSet, ...], removed: list[str]) -> str:
    """Cut prompts out at sentence boundaries; what stays must still read as text."""
    for pattern_set in sets:
        for pattern in pattern_set.phrases:
            matches = _sentence_matches(pattern, paragraph)
            if not matches:
                continue
            removed.extend(m.group(0).strip() for m in reversed(matches))
            pieces = [paragraph[end:start] for end, start in
                      zip([0, *(m.end() for m in matches)], [*(m.start() for m in matches), len(paragraph)])]
            paragraph = " ".join(pieces).strip()  # one rebuild however many prompts there are
    return paragraph


def _sentence_matches(pattern: re.Pattern[str], paragraph: str) -> list[re.Match[str]]:
    """Matches that start where a sentence starts, in order of position."""
    return [m for m in pattern.finditer(paragraph)
            if m.group(0).strip() and (m.start() == 0 or _char_before(paragraph, m.start()) in ".!?…\"”")]


def _char_before(text: str, index: int) -> str:
    """The last non-space character before index ('' if none), without copying the text."""
    while index and text[index - 1].isspace():
        index -= 1
    return text[index - 1] if index else ""


def _is_teaser(paragraph: str, sets: tuple[PatternSet, ...], limits: Limits) -> bool:
    if len(paragraph) > _RULE_MAX_CHARS or _words(paragraph) > limits.teaser_max_words:
        return False
    return any(s.teasers is not None and s.teasers.match(paragraph) for s in sets)


def _is_icon_run(paragraph: str, limits: Limits) -> bool:
    count = paragraph.casefold().count(limits.icon_token)
    return count >= limits.icon_min_count and _words(paragraph) <= count * limits.icon_max_words_per_icon


def _ends_sentence(paragraph: str) -> bool:
    """Sentence punctuation at the end, looking past trailing emoji and symbols."""
    end = len(paragraph)
    while end and unicodedata.category(paragraph[end - 1])[0] in "SZM":
        end -= 1
    return bool(_SENTENCE_END.search(paragraph[:end]))


def _headline_like(paragraph: str, max_words: int) -> bool:
    return _words(paragraph) <= max_words and not _ends_sentence(paragraph)


def _is_widget_heading(paragraph: str, sets: tuple[PatternSet, ...]) -> bool:
    return len(paragraph) <= _RULE_MAX_CHARS and _words(paragraph) <= 8 and _full_match(paragraph, sets, "widgets")


def _drop_widgets(paragraphs: list[str], sets: tuple[PatternSet, ...], limits: Limits,
                  removed: list[str]) -> list[str]:
    """A widget heading takes its teaser lines with it: all of them when it closes the text
    (what follows is short, smaller than the body, and made largely of headlines).
    Word counts run as the text is read, so many headings cost no more than one."""
    kept: list[str] = []
    words_before = 0
    index = 0
    while index < len(paragraphs):
        paragraph = paragraphs[index]
        if not _is_widget_heading(paragraph, sets):
            kept.append(paragraph)
            words_before += _words(paragraph)
            index += 1
            continue
        removed.append(paragraph)
        if len(paragraphs) - index - 1 <= 12 and _closes_text(paragraphs[index + 1:], words_before, limits):
            removed.extend(paragraphs[index + 1:])
            break
        index += 1
        while index < len(paragraphs) and _headline_like(paragraphs[index], limits.widget_line_max_words):
            removed.append(paragraphs[index])
            index += 1
    return kept


def _closes_text(rest: list[str], words_before: int, limits: Limits) -> bool:
    """Whether the few paragraphs after a widget heading are its closing teaser list."""
    if not rest:
        return False
    headlines = sum(1 for p in rest if _headline_like(p, limits.widget_line_max_words))
    return all(_words(p) <= limits.widget_tail_max_words for p in rest) \
        and sum(_words(p) for p in rest) < words_before and headlines >= 0.4 * len(rest)


def _tokens(text: str) -> list[str]:
    return [t.casefold() for t in _WORD.findall(text)]


def _is_headline(paragraph: str, title_tokens: list[str], fuzzy: bool) -> bool:
    """The title printed again: the same words, or an unpunctuated near-copy (h1 vs <title>)."""
    tokens = _tokens(paragraph)
    if not tokens or not title_tokens:
        return False
    if tokens == title_tokens:
        return True
    if not fuzzy or len(tokens) > 2 * len(title_tokens) + 3 or _ends_sentence(paragraph):
        return False
    shared = len(set(tokens) & set(title_tokens))
    return shared >= 3 and shared >= 0.75 * min(len(set(tokens)), len(set(title_tokens)))


def _is_dateline(paragraph: str, rules: ResidueRules) -> bool:
    """A short line made of numbers and date words (plus a name or two) printed above the body.
    A line that ends like a sentence must be date words only: date words include "le", "est",
    "the", so "Le 12 mars 2026, le maire est à Gao." is a lead, not a dateline."""
    tokens = _tokens(paragraph)
    if not tokens or len(tokens) > rules.limits.dateline_max_words or not _DATE_ANCHOR.search(paragraph):
        return False
    other = [t for t in tokens
             if not t.isdigit() and t not in rules.dateline_words and not _CLOCK_TOKEN.fullmatch(t)]
    if other and _ends_sentence(paragraph):
        return False
    return len(other) <= 3 and len(other) < len(tokens) / 2


def _drop_top(paragraphs: list[str], title: str | None, rules: ResidueRules,
              removed: list[str]) -> list[str]:
    """The headline printed again, datelines and an unpunctuated dek above the first paragraph."""
    limits = rules.limits
    title_tokens = _tokens(title or "")
    kept: list[str] = []
    after_headline = False
    window = limits.headline_scan_paragraphs + 1
    for index, paragraph in enumerate(paragraphs):
        if index >= window:
            kept.extend(paragraphs[index:])
            break
        if _is_headline(paragraph, title_tokens, fuzzy=not kept):
            after_headline = True
        elif _is_dateline(paragraph, rules):
            pass
        elif after_headline and limits.drop_dek_after_headline and not kept \
                and _headline_like(paragraph, limits.dek_max_words) and index + 1 < len(paragraphs):
            after_headline = False
        else:
            kept.append(paragraph)
            after_headline = False
            continue
        removed.append(paragraph)
    return kept


def _drop_tail(paragraphs: list[str], sets: tuple[PatternSet, ...], limits: Limits,
               removed: list[str]) -> list[str]:
    first_tail = max(1, len(paragraphs) - limits.tail_paragraphs)
    kept = paragraphs[:first_tail]
    for paragraph in paragraphs[first_tail:]:
        if len(paragraph) <= _RULE_MAX_CHARS and _full_match(paragraph, sets, "tail"):
            removed.append(paragraph)
        else:
            kept.append(paragraph)
    return kept


def _drop_menu_runs(paragraphs: list[str], limits: Limits, removed: list[str]) -> list[str]:
    """Many very short unpunctuated lines in a row are navigation, not prose; unless the paragraph
    before them ends in a colon, which is how an article introduces its own list."""
    kept: list[str] = []
    run: list[str] = []
    for paragraph in [*paragraphs, ""]:
        if paragraph and _words(paragraph) <= limits.menu_line_max_words \
                and not _MENU_LINE_END.search(paragraph):
            run.append(paragraph)
            continue
        introduced = bool(kept) and kept[-1].rstrip().endswith(_INTRODUCES_LIST)
        if len(run) >= limits.menu_run_min_lines and not introduced:
            removed.extend(run)
        else:
            kept.extend(run)
        run = []
        if paragraph:
            kept.append(paragraph)
    return kept


def _drop_repeats(paragraphs: list[str], min_words: int, removed: list[str]) -> list[str]:
    """A long paragraph printed twice (a pull quote) is kept once, where it first stood."""
    seen: set[str] = set()
    kept: list[str] = []
    for paragraph in paragraphs:
        key = " ".join(_tokens(paragraph))
        if key in seen and _words(paragraph) >= min_words:
            removed.append(paragraph)
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept
