"""One small exception hierarchy, so callers can catch newswatch's trouble apart from bugs.

Expected trouble from the outside world (timeouts, 404s, bozo feeds) becomes a recorded
outcome with a reason; these exceptions carry that reason and the offending URL or key.
Each one rebuilds from its own fields when unpickled, so an error raised in an extraction
worker reaches the daemon intact instead of breaking the process pool.
"""

from __future__ import annotations

import sqlite3

from dataclasses import dataclass


class NewswatchError(Exception):
    """Base of every error newswatch raises on purpose."""


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A single config problem: the dotted key, the line it sits on (0 if unknown), what is wrong.

    path names the file the problem sits in when that is not the config itself (an extra residue
    rules file the config points to); empty means the file the whole report is about.
    """

    key: str
    line: int
    message: str
    path: str = ""

    def describe(self, path: str = "") -> str:
        """'file:line: key: message', the one line an operator reads."""
        path = self.path or path or "config"
        where = f"{path}:{self.line}" if self.line else path
        return f"{where}: {self.key}: {self.message}"


class ConfigError(NewswatchError):
    """One or more problems in the TOML config; each problem names its key and line.

    warnings are the findings that do not stop the config from loading (a placeholder contact),
    carried along so a refused config still shows them.
    """

    def __init__(self, problems: list[ConfigProblem], path: str = "",
                 warnings: tuple[ConfigProblem, ...] = ()) -> None:
        self.problems = list(problems)
        self.path = path
        self.warnings = tuple(warnings)
        lines = [p.describe(path) for p in self.problems]
        super().__init__("\n".join(lines) if lines else "invalid configuration")

    def __reduce__(self):
        return type(self), (self.problems, self.path, self.warnings)


class FetchError(NewswatchError):
    """An HTTP fetch that failed for a reason worth recording (timeout, DNS, too large, blocked…)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        self.url, self.reason, self.status, self.retry_after = url, reason, status, retry_after
        super().__init__(f"{url}: {reason}")

    def __reduce__(self):
        return type(self), (self.url, self.reason), self.__dict__


class FeedParseError(NewswatchError):
    """Bytes at a feed URL that yield no entries (HTML page, broken XML, empty body).

    advertised is the feed URL an HTML page names as its own, whole: the reason is clipped for
    storage and may cut it, and the operator needs all of it to fix the config.
    """

    def __init__(self, url: str, reason: str, *, advertised: str | None = None) -> None:
        self.url, self.reason, self.advertised = url, reason, advertised
        super().__init__(f"{url}: {reason}")

    def __reduce__(self):
        return type(self), (self.url, self.reason), self.__dict__


class ExtractionError(NewswatchError):
    """A page from which no usable article text could be extracted."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")

    def __reduce__(self):
        return type(self), (self.url, self.reason), self.__dict__


# The store's error lives with the store (storage never imports daemon); re-exported here so
# callers find the whole family in one place.
from storage.errors import StoreError  # noqa: E402,F401


# SQLite result codes that no retry mends: the disk is full, the file or its folder turned
# read-only, the device fails, or the file is no longer a database.
STORE_GONE_CODES = ("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_CORRUPT",
                    "SQLITE_NOTADB")


def store_failure(exc: BaseException, store_path: str) -> StoreError | None:
    """The StoreError a poll's exception amounts to when it means the store takes no more writes;
    None for anything else (a bug in one poll, a lock held a moment too long)."""
    if isinstance(exc, StoreError):
        return exc
    name = getattr(exc, "sqlite_errorname", "") or ""
    if isinstance(exc, sqlite3.DatabaseError) and name.startswith(STORE_GONE_CODES):
        return StoreError(f"{store_path}: the store takes no more writes ({exc}; {name}); free disk space or "
                          f"make the file and its folder writable, then start newswatch again")
    return None
