"""The newswatch command line: builds the pieces from the config and hands them over.

Every command has --help with an example; errors are one clear line per problem on stderr and a
non-zero exit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import click

from daemon import log as logconf
from daemon.cli_support import load_settings_or_exit, open_existing_store, store_path
from daemon.cli_tools import evaluate, reprocess, tag_text
from daemon.errors import StoreError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "-c", default="newswatch.toml", envvar="NEWSWATCH_CONFIG", show_default=True,
              type=click.Path(dir_okay=False), help="The TOML config file (env NEWSWATCH_CONFIG).")
@click.option("--db", default=None, envvar="NEWSWATCH_DB", help="Store path; overrides [storage] path.")
@click.option("--log-format", type=click.Choice(["auto", "json", "console"]), default="auto", show_default=True,
              help="auto: readable on a terminal, JSON lines otherwise (systemd).")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
              show_default=True)
@click.version_option(package_name="newswatch")
@click.pass_context
def main(ctx: click.Context, config: str, db: str | None, log_format: str, log_level: str) -> None:
    """newswatch: poll news feeds into a clean, deduplicated, region-tagged SQLite archive.

    \b
    Examples:
      newswatch demo                       # a loopback newsroom, ingested end to end, no internet
      newswatch -c config/newswatch.toml check-config
      newswatch -c config/newswatch.toml run --once
      newswatch -c config/newswatch.toml serve
    """
    logconf.configure(log_format, log_level)
    ctx.obj = {"config": config, "db": db}


@main.command()
@click.option("--once", is_flag=True, help="Poll every feed once, finish the pipeline, exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon (foreground; systemd runs this).

    \b
    Example:
      newswatch -c /etc/newswatch/newswatch.toml run
    """
    from daemon import runtime
    settings = load_settings_or_exit(ctx)
    try:
        if once:
            results = runtime.run(runtime.run_once(settings))
            stored = sum(r.stored for r in results)
            copies = sum(r.copies for r in results)
            errors = [r for r in results if r.status == "error"]
            click.echo(f"polled {len(results)} feeds: {stored} articles stored, {copies} copies, "
                       f"{sum(r.skipped for r in results)} skipped, {len(errors)} feeds failed", err=True)
        else:
            runtime.run(runtime.run_service(settings))
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1)


@main.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config; print every problem with its line and key.

    \b
    Example:
      newswatch -c config/newswatch.toml check-config
    """
    settings = load_settings_or_exit(ctx)
    click.echo(f"{ctx.obj['config']}: ok ({len(settings.feeds)} feeds, {len(settings.alerts)} alert rules, "
               f"store {settings.storage_path})")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show the store's counts, failing feeds and the alert outbox.

    \b
    Example:
      newswatch -c config/newswatch.toml status --json
    """
    store = open_existing_store(store_path(ctx))
    summary = store.summary()
    failing = [f for f in store.feeds() if f.consecutive_errors or f.disabled_reason]
    store.close()
    if as_json:
        click.echo(json.dumps({**asdict(summary), "failing": [
            {"url": f.url, "errors": f.consecutive_errors, "last_error": f.last_error,
             "disabled": f.disabled_reason} for f in failing]}, indent=2))
        return
    click.echo(f"articles {summary.articles} ({summary.originals} originals, {summary.copies} copies) in "
               f"{summary.stories} stories; feeds {summary.feeds} ({summary.failing_feeds} failing, "
               f"{summary.disabled_feeds} disabled); skipped entries {summary.skipped}; alerts "
               f"{summary.deliveries_delivered} delivered, {summary.deliveries_pending} pending")
    for f in failing:
        click.echo(f"  failing: {f.url} ({f.consecutive_errors} errors: {f.last_error})"
                   + (f" DISABLED: {f.disabled_reason}" if f.disabled_reason else ""))


@main.group()
def feeds() -> None:
    """List, enable or disable feeds in the store."""


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """List feeds with their health.  Example: newswatch feeds list --json"""
    store = open_existing_store(store_path(ctx))
    rows = store.feeds()
    store.close()
    if as_json:
        click.echo(json.dumps([{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                for k, v in asdict(f).items()} for f in rows], indent=2))
        return
    for f in rows:
        state = f"DISABLED ({f.disabled_reason})" if f.disabled_reason else (f.last_status or "new")
        click.echo(f"{f.id:>4}  {state:<14} errors={f.consecutive_errors:<3} {f.url}")


@feeds.command("enable")
@click.argument("url")
@click.pass_context
def feeds_enable(ctx: click.Context, url: str) -> None:
    """Re-enable a disabled feed and poll it at the next tick.  Example: newswatch feeds enable URL"""
    _set_enabled(ctx, url, True, "")


@feeds.command("disable")
@click.argument("url")
@click.option("--reason", default="disabled by operator", show_default=True)
@click.pass_context
def feeds_disable(ctx: click.Context, url: str, reason: str) -> None:
    """Stop polling a feed (its articles stay).  Example: newswatch feeds disable URL --reason 'paywalled'"""
    _set_enabled(ctx, url, False, reason)


def _set_enabled(ctx: click.Context, url: str, enabled: bool, reason: str) -> None:
    store = open_existing_store(store_path(ctx))
    found = store.set_feed_enabled(url, enabled, reason)
    store.close()
    if not found:
        click.echo(f"error: no feed {url} in the store", err=True)
        raise SystemExit(1)
    click.echo(f"{'enabled' if enabled else 'disabled'}: {url}")


@main.command("import-opml")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False))
@click.option("--write", is_flag=True, help="Append the new feeds to the config file (default: print them).")
@click.pass_context
def import_opml(ctx: click.Context, opml: str, write: bool) -> None:
    """Turn an OPML subscription list into [[feeds]] entries.

    \b
    Example:
      newswatch -c newswatch.toml import-opml subscriptions.opml --write
    """
    from daemon.opml import feeds_from_opml, toml_feed_blocks
    try:
        found = feeds_from_opml(Path(opml).read_bytes())
    except ValueError as exc:
        click.echo(f"error: {opml}: {exc}", err=True)
        raise SystemExit(1)
    config = Path(ctx.obj["config"])
    existing = set()
    if config.exists():
        existing = {f.url for f in load_settings_or_exit(ctx, check_regions=False).feeds}
    new = [f for f in found if f.url not in existing]
    text = toml_feed_blocks(new)
    if write:
        with config.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
        click.echo(f"added {len(new)} feeds to {config} ({len(found) - len(new)} already there)", err=True)
    else:
        click.echo(text)


@main.command("export-opml")
@click.pass_context
def export_opml(ctx: click.Context) -> None:
    """Print the configured feeds as OPML.  Example: newswatch export-opml > feeds.opml"""
    from daemon.opml import opml_from_feeds
    click.echo(opml_from_feeds(load_settings_or_exit(ctx, check_regions=False).feeds))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--db", "db_path", default=None, help="The store to browse (default: the config's).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, db_path: str | None) -> None:
    """Browse the store with Datasette (facets, search, canned queries); works while the daemon writes.

    \b
    Example:
      newswatch -c config/newswatch.toml serve --port 8001
    """
    from daemon.paths import shipped_config_path
    db = db_path or store_path(ctx)
    if not Path(db).exists():
        click.echo(f"error: no store at {db} yet (run `newswatch run --once` or `newswatch demo` first)", err=True)
        raise SystemExit(1)
    metadata = datasette_metadata(Path(db), shipped_config_path("datasette.json"))
    command = [sys.executable, "-m", "datasette", "serve", db, "--metadata", str(metadata),
               "--host", host, "--port", str(port)]
    click.echo(f"browse at http://{host}:{port}/  (Ctrl-C stops)", err=True)
    raise SystemExit(subprocess.call(command))


def datasette_metadata(db: Path, template: Path) -> Path:
    """Datasette keys metadata by database name (the file's stem): fill the shipped template's "*"."""
    import tempfile
    metadata = json.loads(template.read_text(encoding="utf-8"))
    metadata["databases"] = {db.stem: metadata["databases"]["*"]}
    target = Path(tempfile.gettempdir()) / f"newswatch-datasette-{db.stem}.json"
    target.write_text(json.dumps(metadata), encoding="utf-8")
    return target


@main.command()
@click.option("--db", "demo_db", default="newswatch-demo.db", show_default=True, help="Where to write the demo store.")
@click.pass_context
def demo(ctx: click.Context, demo_db: str) -> None:
    """Start a loopback newsroom, ingest it end to end into a demo store, print a summary. No internet needed.

    \b
    Example:
      newswatch demo && newswatch serve --db newswatch-demo.db
    """
    from daemon.demo import run_demo
    raise SystemExit(run_demo(demo_db, echo=click.echo))


main.add_command(evaluate)
main.add_command(reprocess)
main.add_command(tag_text)
