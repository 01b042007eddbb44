"""newswatch: a news-monitoring ingestion daemon (the service side)."""

__version__ = "0.1.0"
