"""The newswatch command line: builds the pieces from the config and hands them over.

Every command has --help with an example; errors are one clear line per problem on stderr and a
non-zero exit.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import click

from daemon import log as logconf
from daemon.backoff import span_text
from daemon.cli_support import (check_store_folder, counted, db_option, load_settings_or_exit, open_existing_store,
                                run_lock, store_path)
from daemon.cli_alerts import alert_pass_text, alert_trouble_lines, alerts, failed_alert_lines
from daemon.cli_tools import evaluate, export_opml, import_opml, reprocess, tag_text
from daemon.errors import StoreError
from daemon.serve_setup import datasette_metadata, private_metadata_file, refuse_busy_address
from storage.webhook_targets import shown_target


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "-c", default="newswatch.toml", envvar="NEWSWATCH_CONFIG", show_default=True,
              type=click.Path(dir_okay=False), help="The TOML config file (env NEWSWATCH_CONFIG).")
@click.option("--db", default=None, envvar="NEWSWATCH_DB", metavar="PATH",
              help="Store path (env NEWSWATCH_DB); overrides [storage] path. The store commands also take it "
                   "after their name.")
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
@db_option
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon (foreground; systemd runs this). Only one `run` at a time may use a store.
    SIGTERM or Ctrl-C stops it cleanly; SIGHUP (`systemctl reload newswatch`) reads the config again.

    \b
    Exit codes:
      0  stopped cleanly (with --once: at least one feed was polled without error, or none was due)
      1  with --once: every polled feed failed; or the store failed while running
         (alerts that failed do not change it: they stay in the outbox, shown by `status`)
      2  a config problem, a missing store folder, or another `newswatch run` on the same store
    \b
    Example:
      newswatch -c /etc/newswatch/newswatch.toml run
    """
    from daemon import runtime
    settings = load_settings_or_exit(ctx, for_running=True)
    check_store_folder(settings.storage_path)
    with run_lock(settings.storage_path):
        try:
            if once:
                report = runtime.run(runtime.run_round(settings))
            else:
                runtime.run(runtime.run_service(settings, store_override=ctx.obj.get("db")))
                return
        except StoreError as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(1)
    results = report.polls
    failed = sum(1 for r in results if r.status == "error")
    click.echo(f"polled {counted(len(results), 'feed')}: {counted(sum(r.stored for r in results), 'article')} "
               f"stored, {counted(sum(r.copies for r in results), 'copy', 'copies')}, "
               f"{sum(r.skipped for r in results)} skipped, {counted(failed, 'feed')} failed; "
               f"{alert_pass_text(report.alerts)}", err=True)
    for line in feed_trouble_lines(results) + alert_trouble_lines(report.alerts):
        click.echo(line, err=True)
    # Alert failures leave the exit code alone: the outbox keeps them and `run` retries them.
    if results and failed == len(results):
        raise SystemExit(1)


def feed_trouble_lines(results, shown: int = 5) -> list[str]:
    """run --once's lines under the summary: each error feeds failed with, the commonest first, so
    "16 feeds failed" comes with its reason (offline: dns) without reading the JSON log."""
    by_error: dict[str, list[str]] = {}
    for result in results:
        if result.status == "error":
            by_error.setdefault(result.error or "unknown error", []).append(result.feed_url)
    ranked = sorted(by_error.items(), key=lambda item: -len(item[1]))
    lines = [f"  feed failed: {urls[0]}: {error}" if len(urls) == 1 else
             f"  {len(urls)} feeds failed: {error} (e.g. {urls[0]})" for error, urls in ranked[:shown]]
    if len(ranked) > shown:
        lines.append(f"  … and {len(ranked) - shown} more errors (newswatch status)")
    return lines


@main.command("check-config")
@db_option
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config as `run` would; print every problem with its line and key. Warnings
    (a placeholder contact, timings that contradict each other, no feeds) do not fail it.
    Alert secrets must be set in the environment, as for `run`.

    \b
    Exit codes:
      0  the config is usable (warnings, if any, are printed)
      2  at least one problem, or the store's folder is missing or not writable
    \b
    Example:
      newswatch -c config/newswatch.toml check-config
    """
    settings = load_settings_or_exit(ctx, for_running=True)
    check_store_folder(settings.storage_path)   # the store in effect: --db's when given, as `run` checks it
    click.echo(f"{ctx.obj['config']}: ok ({counted(len(settings.feeds), 'feed')}, "
               f"{counted(len(settings.alerts), 'alert rule')}, {counted(len(settings.custom_places), 'place')}, "
               f"store {settings.storage_path})")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@db_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show the store's counts, failing and disabled feeds, and the alert outbox (failed alerts
    one line per rule and target, with the last error).

    \b
    Example:
      newswatch -c config/newswatch.toml status --json
    """
    store = open_existing_store(store_path(ctx))
    summary = store.summary()
    failed_alerts = store.failed_alerts()
    retired = store.retired_feed_urls()
    current = [f for f in store.feeds() if f.url not in retired]
    store.close()
    failing = [f for f in current if f.consecutive_errors and not f.disabled_reason]
    disabled = [f for f in current if f.disabled_reason]
    if as_json:
        click.echo(json.dumps({**asdict(summary), "failing": [
            {"url": f.url, "errors": f.consecutive_errors, "last_error": f.last_error} for f in failing],
            "disabled": [{"url": f.url, "reason": f.disabled_reason, "errors": f.consecutive_errors,
                          "last_error": f.last_error} for f in disabled],
            "failed_alerts": [{"rule": g.rule, "target": shown_target(g.rule, g.target), "count": g.count,
                               "last_error": g.last_error} for g in failed_alerts]}, indent=2))
        return
    click.echo(f"articles {summary.articles} ({counted(summary.originals, 'original')}, "
               f"{counted(summary.copies, 'copy', 'copies')}) in {counted(summary.stories, 'story', 'stories')}; "
               f"feeds {summary.feeds} ({summary.failing_feeds} failing, {summary.disabled_feeds} disabled); "
               f"skipped entries {summary.skipped}; alerts {summary.deliveries_delivered} delivered, "
               f"{summary.deliveries_pending} pending, {summary.deliveries_failed} failed"
               + (f", {summary.deliveries_replaced} replaced (queued again by `alerts retry`)"
                  if summary.deliveries_replaced else ""))
    for f in failing:
        click.echo(f"  failing:  {f.url} ({counted(f.consecutive_errors, 'error')} in a row; last: {f.last_error})")
    for f in disabled:
        # The reason the schedule records already says "N consecutive errors, last: …"; an operator's
        # own reason ("paywalled") does not, and then the errors are worth adding.
        after = (f"; after {counted(f.consecutive_errors, 'error')}, last: {f.last_error}"
                 if f.consecutive_errors and "consecutive errors" not in f.disabled_reason else "")
        click.echo(f"  disabled: {f.url} ({f.disabled_reason}{after}; `newswatch feeds enable URL` polls it again)")
    for line in failed_alert_lines(failed_alerts):
        click.echo(line)


@main.group()
def feeds() -> None:
    """List, enable or disable feeds in the store.

    \b
    Example:
      newswatch -c config/newswatch.toml feeds list
    """


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@db_option
@click.pass_context
def feeds_list(ctx: click.Context, as_json: bool) -> None:
    """List feeds with their health; feeds no longer in the config are marked (kept, not polled).
    "every" is the wait between polls in effect after the last good poll, and why (a quiet feed
    stretched, the feed's own ttl); "next poll" also counts backoff after errors.

    \b
    Example:
      newswatch feeds list --json
    """
    from daemon.backoff import in_effect_text
    store = open_existing_store(store_path(ctx))
    rows = store.feeds()
    retired = store.retired_feed_urls()
    store.close()
    if as_json:
        click.echo(json.dumps([{**{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in asdict(f).items()}, "in_config": f.url not in retired}
                               for f in rows], indent=2))
        return
    states = [f"DISABLED ({f.disabled_reason})" if f.disabled_reason else (f.last_status or "new") for f in rows]
    width = max([len("state"), *map(len, states)])
    everies = [in_effect_text(f) for f in rows]
    every_width = max([len("every"), *map(len, everies)])
    now = datetime.now(timezone.utc)
    nexts = [_next_poll(f, now, retired) for f in rows]
    next_width = max([len("next poll"), *map(len, nexts)])
    click.echo(f"{'id':>4}  {'state':<{width}}  errors  interval  {'every':<{every_width}}  "
               f"{'next poll':<{next_width}}  url")
    for f, state, every, next_poll in zip(rows, states, everies, nexts):
        note = ("  (not in the config: kept, no longer polled)" if f.url in retired
                else f"  (moved for good to {f.moved_to}: polled there; update the config)" if f.moved_to else "")
        click.echo(f"{f.id:>4}  {state:<{width}}  {f.consecutive_errors:<6}  {span_text(f.interval_s):<8}  "
                   f"{every:<{every_width}}  {next_poll:<{next_width}}  {f.url}{note}")


def _next_poll(feed, now: datetime, retired: set[str]) -> str:
    """When the daemon polls the feed next: a wait far beyond its interval is adaptive polling
    stretching a quiet feed, or backoff after errors."""
    if feed.disabled_reason or feed.url in retired:
        return "never"
    if feed.next_poll_at is None or feed.next_poll_at <= now:
        return "due"
    return "in " + span_text((feed.next_poll_at - now).total_seconds())


@feeds.command("enable")
@click.argument("url")
@db_option
@click.pass_context
def feeds_enable(ctx: click.Context, url: str) -> None:
    """Re-enable a disabled feed (its error count starts again at 0) and poll it at the next tick.
    A feed that is not disabled is polled at the next tick too.

    \b
    Example:
      newswatch feeds enable https://www.rfi.fr/fr/afrique/rss
    """
    _set_enabled(ctx, url, True, "")


@feeds.command("disable")
@click.argument("url")
@click.option("--reason", default="disabled by operator", show_default=True,
              help="Shown by `status` and `feeds list`.")
@db_option
@click.pass_context
def feeds_disable(ctx: click.Context, url: str, reason: str) -> None:
    """Stop polling a feed (its articles stay) until `feeds enable`; the config keeps it.

    \b
    Example:
      newswatch feeds disable https://www.rfi.fr/fr/afrique/rss --reason 'paywalled'
    """
    _set_enabled(ctx, url, False, reason)


def _set_enabled(ctx: click.Context, url: str, enabled: bool, reason: str) -> None:
    path = store_path(ctx)
    store = open_existing_store(path)
    try:
        before = store.feed_by_url(url)
        found = before is not None and store.set_feed_enabled(url, enabled, reason)
        known = [f.url for f in store.feeds()] if not found else []
    finally:
        store.close()
    if not found:
        close = difflib.get_close_matches(url, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else " (`newswatch feeds list` shows the stored URLs)"
        click.echo(f"error: no feed {url} in the store {path}{hint}", err=True)
        raise SystemExit(1)
    if enabled and not before.disabled_reason:
        click.echo(f"enabled: {url} (it was not disabled; its error count is reset and it is polled at the next tick)")
        return
    click.echo(f"{'enabled' if enabled else 'disabled'}: {url}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; 0.0.0.0 opens the archive to the network.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="The port to listen on.")
@db_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Browse the store with Datasette (facets, search, canned queries); works while the daemon writes.

    The process becomes Datasette (exec), so stopping it (Ctrl-C, kill, systemd) stops the server.

    \b
    Example:
      newswatch -c config/newswatch.toml serve --port 8001
    """
    from daemon.paths import shipped_config_path
    db = store_path(ctx)
    open_existing_store(db).close()   # refuses a missing file or another application's database
    refuse_busy_address(host, port)
    metadata = private_metadata_file(datasette_metadata(Path(db), shipped_config_path("datasette.json")))
    command = [sys.executable, "-m", "datasette", "serve", db, "--metadata", str(metadata),
               "--host", host, "--port", str(port)]
    click.echo(f"browse at http://{host}:{port}/  (Ctrl-C stops)", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)


@main.command()
@click.option("--db", "demo_db", default=None, metavar="PATH",
              help="Where to write the demo store.  [default: newswatch-demo.db]")
@click.pass_context
def demo(ctx: click.Context, demo_db: str | None) -> None:
    """Start a loopback newsroom, ingest it end to end into a demo store, print a summary. No internet needed.
    The store is replaced on each run; one that holds other articles is refused. `newswatch --db PATH demo`
    means the same as `demo --db PATH`; NEWSWATCH_DB is not used (it names the service's store).

    \b
    Example:
      newswatch demo && newswatch serve --db newswatch-demo.db
    """
    from daemon.demo import run_demo
    demo_db = demo_db or _typed_global_db(ctx) or "newswatch-demo.db"
    check_store_folder(demo_db)
    raise SystemExit(run_demo(demo_db, echo=click.echo, dated_as_of=datetime.now(timezone.utc)))


def _typed_global_db(ctx: click.Context) -> str | None:
    """The group's --db when typed on the command line, not when it came from NEWSWATCH_DB."""
    from click.core import ParameterSource
    parent = ctx.parent
    if parent is None or parent.get_parameter_source("db") is not ParameterSource.COMMANDLINE:
        return None
    return parent.params.get("db")


main.add_command(import_opml)
main.add_command(export_opml)
main.add_command(evaluate)
main.add_command(reprocess)
main.add_command(tag_text)
main.add_command(alerts)
