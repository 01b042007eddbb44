"""One small exception hierarchy, so callers can catch newswatch's trouble apart from bugs.

Expected trouble from the outside world (timeouts, 404s, bozo feeds) becomes a recorded
outcome with a reason; these exceptions carry that reason and the offending URL or key.
"""

from __future__ import annotations


class NewswatchError(Exception):
    """Base of every error newswatch raises on purpose."""


class ConfigError(NewswatchError):
    """One or more problems in the TOML config; each problem names its key and line."""

    def __init__(self, problems: list["ConfigProblem"], path: str = "") -> None:
        self.problems = problems
        self.path = path
        lines = [p.describe(path) for p in problems]
        super().__init__("\n".join(lines) if lines else "invalid configuration")


class ConfigProblem:
    """A single config problem: the dotted key, the line it sits on (0 if unknown), what is wrong."""

    __slots__ = ("key", "line", "message")

    def __init__(self, key: str, line: int, message: str) -> None:
        self.key, self.line, self.message = key, line, message

    def describe(self, path: str = "") -> str:
        where = f"{path}:{self.line}" if self.line else (path or "config")
        return f"{where}: {self.key}: {self.message}"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"ConfigProblem({self.key!r}, {self.line}, {self.message!r})"


class FetchError(NewswatchError):
    """An HTTP fetch that failed for a reason worth recording (timeout, DNS, too large, blocked…)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        self.url, self.reason, self.status, self.retry_after = url, reason, status, retry_after
        super().__init__(f"{url}: {reason}")


class FeedParseError(NewswatchError):
    """Bytes at a feed URL that yield no entries (HTML page, broken XML, empty body)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


class ExtractionError(NewswatchError):
    """A page from which no usable article text could be extracted."""

    def __init__(self, url: str, reason: str) -> None:
        self.url, self.reason = url, reason
        super().__init__(f"{url}: {reason}")


# The store's error lives with the store (storage never imports daemon); re-exported here so
# callers find the whole family in one place.
from storage.errors import StoreError  # noqa: E402,F401
