"""A site's near copy of its own article: the same story, or only the footer the site repeats?

A small site whose pages end in a long footer (address, subscription pitch, newsroom credits) makes
each new story look like a near copy of its first: the footer is most of what the two share. Copies
count no site lines, so such a footer was never learned as boilerplate, and every later story of
the site stayed a copy of the first, never alerting. So a near copy of an article from the same host
is looked at again when all the two share, paragraph for paragraph, is their closing paragraphs and
not their opening one: without those, the two are compared once more, and what is no copy then is
an original (its lines are counted, and the footer gets learned). A story the site put at a second
address shares its opening paragraph and stays a copy; so does an exact copy, or a near copy of
another site's article.
"""

from __future__ import annotations

from daemon import dedup
from daemon.urls import host_of
from storage.store import Store


def recheck_own_copy(store: Store, host: str, text: str, verdict: dedup.CopyVerdict) -> dedup.CopyVerdict:
    """verdict, or an original's verdict when a same-host near copy shares only its closing paragraphs."""
    if verdict.duplicate_of is None or verdict.reason == "exact text":
        return verdict
    original = store.article(verdict.duplicate_of)
    if original is None or host_of(original["url"]) != host:
        return verdict
    ours, theirs = _paragraphs(text), _paragraphs(original["text"] or "")
    shared = set(ours) & set(theirs)
    closing, their_closing = _closing(ours, shared), _closing(theirs, shared)
    if (not closing or not their_closing or closing == len(ours) or their_closing == len(theirs)
            or set(ours[-closing:]) != shared or set(theirs[-their_closing:]) != shared):
        return verdict                  # they share more than their tails, or their opening paragraph
    candidates = dedup.MemoryCandidates()
    candidates.add(verdict.duplicate_of, dedup.fingerprint("", "\n\n".join(theirs[:-their_closing])))
    if dedup.find_copy(dedup.fingerprint("", "\n\n".join(ours[:-closing])), candidates).duplicate_of is not None:
        return verdict
    return dedup.CopyVerdict(None, 0.0, f"original (it shares with {verdict.duplicate_of}, of the same site, "
                                        f"only its closing {closing} paragraphs: {verdict.reason})")


def _paragraphs(text: str) -> list[str]:
    return [dedup.fold(line) for line in text.splitlines() if line.strip()]


def _closing(paragraphs: list[str], shared: set[str]) -> int:
    """How many of the last paragraphs are shared, counted from the end."""
    count = 0
    for paragraph in reversed(paragraphs):
        if paragraph not in shared:
            break
        count += 1
    return count
