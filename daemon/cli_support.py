"""What the commands share: the config loaded or one clear error per problem, and the store opened
without ever creating one by accident."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from daemon.config_file import load_settings
from daemon.errors import ConfigError, StoreError
from daemon.settings import Settings


def load_settings_or_exit(ctx: click.Context, *, check_regions: bool = True) -> Settings:
    """The config named by --config (with --db over its store path), or every problem on stderr and exit 2.

    check_regions resolves region names in rules and feeds, which needs the gazetteer (about a second).
    """
    path = ctx.obj["config"]
    resolver = None
    if check_regions:
        from daemon.gazetteer import Gazetteer
        gazetteer = Gazetteer.load()
        custom = custom_region_names(path)
        resolver = lambda name: (custom.get(name.lower()) or gazetteer.resolve(name))  # noqa: E731
    try:
        settings = load_settings(path, resolve_region=resolver)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem.describe(exc.path)}", err=True)
        raise SystemExit(2)
    if ctx.obj.get("db"):
        settings = replace_settings(settings, storage_path=ctx.obj["db"])
    return settings


def store_path(ctx: click.Context) -> str:
    """The store named by --db, else the config's [storage] path (the config then must be valid)."""
    return ctx.obj.get("db") or load_settings_or_exit(ctx, check_regions=False).storage_path


def open_existing_store(path: str):
    """The store at path for the read-and-tweak commands: a missing file or an unusable store is
    one clear error line, never a traceback and never a new empty store."""
    from storage.store import Store
    if not Path(path).is_file():
        click.echo(f"error: no store at {path} (run `newswatch run --once` or `newswatch demo` first)", err=True)
        raise SystemExit(1)
    try:
        return Store.open(path)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)


def custom_region_names(path: str) -> dict[str, str]:
    """Custom region names from the config itself, so rules may name them before they are loaded.
    Anything malformed is left for load_settings to report with its line."""
    import tomllib
    from daemon.gazetteer import Gazetteer
    try:
        custom = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("regions", {}).get("custom", {})
        lists = {k: v for k, v in custom.items() if isinstance(v, list) and all(isinstance(c, str) for c in v)}
        gazetteer = Gazetteer.load(lists)
    except Exception:  # noqa: BLE001 - reported properly by the validation that follows
        return {}
    return {name.lower(): gazetteer.resolve(name) or name for name in lists}


def replace_settings(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)
