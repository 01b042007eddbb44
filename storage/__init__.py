"""newswatch's store: the SQLite schema, its migrations and the only code that writes SQL."""
