"""What the commands share: the config loaded or one clear error per problem, and the store opened
without ever creating one by accident."""

from __future__ import annotations

import fcntl
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from daemon.config_file import load_settings
from daemon.errors import ConfigError, StoreError
from daemon.settings import Settings


def load_settings_or_exit(ctx: click.Context, *, check_regions: bool = True, for_running: bool = False) -> Settings:
    """The config named by --config (with --db over its store path), or every problem on stderr and exit 2.

    check_regions resolves region names in rules and feeds, which needs the gazetteer (about a second).
    for_running checks the config as `run` needs it: alert secrets set in the environment, and its
    warnings printed. The other commands never deliver an alert, so an admin shell (or the Datasette
    unit) without the secret can still browse and manage the store.
    """
    path = ctx.obj["config"]
    resolver = None
    region_names: list[str] = []
    if check_regions:
        from daemon.gazetteer import Gazetteer
        gazetteer = Gazetteer.load()
        custom = custom_region_names(path)
        resolver = lambda name: (custom.get(name.lower()) or gazetteer.resolve(name))  # noqa: E731
        region_names = [region.name for region in gazetteer.regions()]
    try:
        settings = load_settings(path, resolve_region=resolver, secrets=for_running, region_names=region_names,
                                 store_path=ctx.obj.get("db"))
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem.describe(exc.path)}", err=True)
        for warning in exc.warnings if for_running else ():
            click.echo(f"warning: {warning.describe(exc.path)}", err=True)
        raise SystemExit(2)
    for warning in settings.warnings if for_running else ():
        click.echo(f"warning: {warning.describe(path)}", err=True)
    if for_running and not settings.feeds:
        click.echo(f"warning: {path}: feeds: no [[feeds]] tables, so `run` has nothing to poll (add them, "
                   f"or `newswatch -c {path} import-opml FILE --write`)", err=True)
    return settings


def store_path(ctx: click.Context) -> str:
    """The store named by --db, else the config's [storage] path (the config then must be valid).
    With neither a --db nor the config file, say that either one will do: a newcomer who ran only
    `newswatch demo` has a store and no config."""
    if ctx.obj.get("db"):
        return ctx.obj["db"]
    config = ctx.obj["config"]
    if not Path(config).exists():
        click.echo(f"error: no config file {config} to read the store path from: name the store with --db PATH "
                   f"(e.g. --db newswatch-demo.db) or the config with -c PATH", err=True)
        raise SystemExit(2)
    return load_settings_or_exit(ctx, check_regions=False).storage_path


def db_option(command):
    """--db after a store command means the same as --db before it; given in both places, the
    command's own wins (it is the one the operator typed last)."""
    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            ctx.obj["db"] = value
    return click.option("--db", default=None, metavar="PATH", expose_value=False, callback=remember,
                        help="The store; overrides --db before the command and the config's [storage] path.")(command)


def open_existing_store(path: str):
    """The store at path for the read-and-tweak commands: a missing file is exit 1, a file that is
    not a newswatch store (or is unusable) exit 2; one clear line either way, never a traceback,
    never a new empty store and never a byte written to someone else's database."""
    from storage.store import Store
    refuse_folder_as_store(path)
    if not Path(path).is_file():
        click.echo(f"error: no store at {path} (run `newswatch run --once` or `newswatch demo` first)", err=True)
        raise SystemExit(1)
    try:
        return Store.open(path, create=False)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2)


def check_store_folder(path: str) -> None:
    """`run` may create a store, but only in a folder that exists and is writable: exit 2 otherwise."""
    from storage.store_file import check_store_location
    if path == ":memory:":
        return
    refuse_folder_as_store(path)
    try:
        check_store_location(Path(path), create=True)
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2)


def refuse_folder_as_store(path: str) -> None:
    """A store path naming a folder (`path = "/var/lib/newswatch"`) is a config slip, exit 2 saying
    so, not "no store here" or SQLite's "unable to open database file"."""
    if Path(path).is_dir():
        click.echo(f"error: {path} is a folder, not a store file: [storage] path (or --db) names the SQLite "
                   f"file, such as {Path(path) / 'newswatch.db'}", err=True)
        raise SystemExit(2)


@contextmanager
def run_lock(store: str) -> Iterator[None]:
    """One `newswatch run` per store: an exclusive flock on <store>.lock, held for the whole run.

    Two daemons on one store would poll every feed twice and race on its articles. The lock file
    holds the holder's pid so the refusal can name it; the kernel drops the lock if the holder dies.
    """
    if store == ":memory:":
        yield
        return
    lock_path = store + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        click.echo(f"error: cannot create the lock file {lock_path} ({exc.strerror})", err=True)
        raise SystemExit(2)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            by = f"(pid {holder}) " if holder.isdigit() else ""
            click.echo(f"error: another `newswatch run` {by}is already using the store {store} "
                       f"(lock {lock_path}); stop it first", err=True)
            raise SystemExit(2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)   # no stale pid for the next reader; the file itself stays (unlinking races)
    finally:
        os.close(fd)


def read_text_or_exit(source) -> str:
    """A text file's contents as UTF-8, or one line naming the file and the first undecodable byte,
    exit 2: guessing a legacy encoding would tag mangled words silently."""
    data = source.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "standard input" if source.name in ("-", "<stdin>") else source.name
        click.echo(f"error: {name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                   f"convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8", err=True)
        raise SystemExit(2)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 copy', '2 copies': counts in messages read as English."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def custom_region_names(path: str) -> dict[str, str]:
    """Custom region and place names from the config itself, so feeds and rules may name them before
    they are loaded. Anything malformed is left for load_settings to report with its line."""
    from daemon.gazetteer import Gazetteer, place_id, slug
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        custom = raw.get("regions", {}).get("custom", {})
        lists = {k: v for k, v in custom.items() if isinstance(v, list) and all(isinstance(c, str) for c in v)}
        gazetteer = Gazetteer.load(lists)
        places = raw.get("places", {})
        names = {name.lower(): place_id(name) for name in places if slug(name)}
    except Exception:  # noqa: BLE001 - reported properly by the validation that follows
        return {}
    return {**names, **{name.lower(): gazetteer.resolve(name) or name for name in lists}}

