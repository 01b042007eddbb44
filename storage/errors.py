"""The store's one error type (storage imports nothing from daemon, so it lives here)."""


class StoreError(Exception):
    """The store refused an operation: schema written by a newer version, unreadable file, bad row."""
