"""The commands beside the daemon's own: eval (quality against evaluation data), reprocess (stored
articles through today's rules), tag (a text's regions and the reasons), OPML in and out. The
alert outbox's commands are in daemon.cli_alerts. Registered on the main group in cli.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from daemon.cli_support import counted, db_option, load_settings_or_exit, open_existing_store, read_text_or_exit
from daemon.settings import Settings


@click.group("eval")
def evaluate() -> None:
    """Measure newswatch's quality against evaluation data.

    \b
    Example:
      newswatch eval extraction --corpus ../shared/corpus/extraction
    """


@evaluate.command("extraction")
@click.option("--corpus", required=True, type=click.Path(exists=True, file_okay=False),
              help="A folder with html/<id>.html.gz and ground-truth.json (the ScrapingHub benchmark layout).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--repeat", default=1, show_default=True, type=click.IntRange(min=1),
              help="Passes per system; the fastest counts for speed.")
def eval_extraction(corpus: str, as_json: bool, repeat: int) -> None:
    """Precision, recall, F1 and pages/s: bare trafilatura next to newswatch's extraction + cleaning.

    \b
    Example:
      newswatch eval extraction --corpus ../shared/corpus/extraction
    """
    from daemon.evaluation import evaluate_extraction, format_report
    missing = [name for name in ("ground-truth.json", "html") if not (Path(corpus) / name).exists()]
    if missing:
        click.echo(f"error: {corpus}: no {' and no '.join(missing)} in it; a corpus folder holds "
                   f"html/<id>.html.gz and ground-truth.json", err=True)
        raise SystemExit(1)
    try:
        report = evaluate_extraction(corpus, repeat=repeat)
    except (OSError, ValueError) as exc:
        click.echo(f"error: {corpus}: {exc}", err=True)
        raise SystemExit(1)
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else format_report(report))


@click.command()
@click.option("--since", metavar="DATE", default=None,
              help="Only articles fetched on or after this date or time (2026-01-31 or 2026-01-31T08:00, UTC).")
@click.option("--host", "site", metavar="HOST", default=None, help="Only articles of this host (and its subdomains).")
@db_option
@click.pass_context
def reprocess(ctx: click.Context, since: str | None, site: str | None) -> None:
    """Re-run extraction (from kept raw pages), cleaning, learned boilerplate, dedup, stories and
    tagging on stored articles, updating them in place. Changed texts are recorded as revisions;
    alerts do not fire again. Articles whose raw page was purged are re-cleaned from their text.

    \b
    Example:
      newswatch -c config/newswatch.toml reprocess --since 2026-01-01 --host example.org
    """
    from daemon.gazetteer import Gazetteer
    from daemon.reprocess import reprocess as reprocess_articles
    if ctx.obj.get("db") and not Path(ctx.obj["config"]).exists():
        settings = Settings(storage_path=ctx.obj["db"])   # a store alone: shipped rules, no custom regions
    else:
        settings = load_settings_or_exit(ctx, check_regions=False)
    start = utc_moment(since) if since else None
    if since and start is None:
        click.echo(f"error: --since {since!r} is not a date such as 2026-01-31 or 2026-01-31T08:00", err=True)
        raise SystemExit(2)
    host = _host_name(site) if site else None
    if site and host is None:
        click.echo(f"error: --host {site!r} is not a host name such as example.org", err=True)
        raise SystemExit(2)
    store = open_existing_store(settings.storage_path)
    try:
        ids = store.article_ids(since=start, host=host)
        if not ids:
            if host and not store.article_ids(host=host):   # most likely a mistyped host: say so, exit 1
                click.echo(f"error: --host {host}: no stored article is from this host or its subdomains", err=True)
                raise SystemExit(1)
            click.echo(f"no stored articles {_selection(start, host)}; nothing to do", err=True)
            return
        gazetteer = Gazetteer.load(settings.custom_regions, settings.custom_places)
        with click.progressbar(length=len(ids), label=f"reprocessing {len(ids)} articles", file=sys.stderr) as bar:
            report = reprocess_articles(store, settings, gazetteer, ids, on_progress=bar.update)
    finally:
        store.close()
    click.echo(report.describe(), err=True)


@click.command("tag")
@click.argument("source", type=click.File("rb"), default="-")
@click.option("--title", default="", help="The article's title (weighs most).")
@click.option("--hint", "hints", multiple=True, metavar="REGION",
              help="A feed's region hint: ISO code or region name (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def tag_text(ctx: click.Context, source, title: str, hints: tuple[str, ...], as_json: bool) -> None:
    """Tag a text (a file, or - for stdin) with regions and show why: which words were read as which
    places, and with what weight. Uses the config's custom regions and places when the config file exists.
    The text must be UTF-8, and it or --title must say something (exit 2 otherwise).

    \b
    Example:
      newswatch tag --title "Floods in Niamey" article.txt
      echo "Gunmen attacked a convoy near Gao." | newswatch tag --hint Sahel -
    """
    from daemon.gazetteer import Gazetteer
    from daemon.tag_report import describe, report
    configured = load_settings_or_exit(ctx, check_regions=False) if Path(ctx.obj["config"]).exists() else Settings()
    gazetteer = Gazetteer.load(configured.custom_regions, configured.custom_places)
    region_ids = []
    for hint in hints:
        region_id = gazetteer.resolve(hint)
        if region_id is None:
            click.echo(f"error: --hint {hint!r} is not a known region (an ISO code such as ML, or a region name)",
                       err=True)
            raise SystemExit(2)
        region_ids.append(region_id)
    text = read_text_or_exit(source)
    if not text.strip() and not title.strip():
        name = "standard input" if source.name in ("-", "<stdin>") else source.name
        click.echo(f"error: {name} is empty and no --title was given: nothing to tag", err=True)
        raise SystemExit(2)
    if as_json:
        click.echo(json.dumps(report(title, text, gazetteer, region_ids), ensure_ascii=False, indent=2))
    else:
        click.echo(describe(title, text, gazetteer, region_ids))


@click.command("import-opml")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False))
@click.option("--write", is_flag=True, help="Append the new feeds to the config file (default: print them).")
@click.pass_context
def import_opml(ctx: click.Context, opml: str, write: bool) -> None:
    """Turn an OPML subscription list into [[feeds]] entries. Entries the config check would refuse
    (no absolute http(s) URL, the same feed as a configured one) are left out, one line each saying
    why; --write appends only if the resulting config still loads, and exits 2 otherwise. A file
    that is not OPML, or lists no feed, is exit 1; with nothing new to add the config is left as it is.

    \b
    Example:
      newswatch -c newswatch.toml import-opml subscriptions.opml --write
    """
    from daemon.opml import feeds_from_opml, plan_import, toml_feed_blocks
    try:
        found = feeds_from_opml(Path(opml).read_bytes())
    except ValueError as exc:
        click.echo(f"error: {opml}: {exc}", err=True)
        raise SystemExit(1)
    if not found:
        click.echo(f"error: {opml}: no feeds in it (no <outline> with an xmlUrl)", err=True)
        raise SystemExit(1)
    from daemon.config_checks import http_url_problem, private_host_problem
    config = Path(ctx.obj["config"])
    settings = load_settings_or_exit(ctx, check_regions=False) if config.exists() else Settings()
    allow_private = settings.http.allow_private_networks
    plan = plan_import(found, [f.url for f in settings.feeds], lambda url: http_url_problem(url) or (
        None if allow_private else private_host_problem(url)))
    for url, reason in plan.skipped:
        click.echo(f"skipped {url}: {reason}", err=True)
    if not plan.new:
        click.echo(f"nothing to add: none of the {counted(len(found), 'feed')} in {opml} can be added"
                   + (f"; {config} is unchanged" if write else ""), err=True)
        return
    text = toml_feed_blocks(plan.new)
    if not write:
        click.echo(text)
        return
    before = config.read_text(encoding="utf-8") if config.exists() else ""
    _refuse_unloadable(config, before + "\n" + text)
    with config.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    click.echo(f"added {counted(len(plan.new), 'feed')} to {config} ({len(plan.skipped)} skipped)", err=True)


def _refuse_unloadable(config: Path, text: str) -> None:
    """Load the would-be config from a temporary copy beside the real one (so relative paths mean
    the same); on any problem print them all and exit 2 with the real config untouched."""
    import tempfile
    from daemon.config_file import load_settings
    from daemon.errors import ConfigError
    try:
        fd, trial = tempfile.mkstemp(prefix=".newswatch-import-", suffix=".toml", dir=config.parent)
    except OSError as exc:
        click.echo(f"error: cannot write next to {config} ({exc.strerror}); {config} is unchanged", err=True)
        raise SystemExit(2)
    try:
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        load_settings(trial, secrets=False)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem.describe(str(config)).replace(trial, str(config))}", err=True)
        click.echo(f"error: the config would not load with these feeds; {config} is unchanged", err=True)
        raise SystemExit(2)
    finally:
        Path(trial).unlink(missing_ok=True)


@click.command("export-opml")
@click.pass_context
def export_opml(ctx: click.Context) -> None:
    """Print the configured feeds as OPML, with each feed's region hints and interval in the
    newswatch: namespace (other readers ignore them; import-opml reads them back).

    \b
    Example:
      newswatch -c newswatch.toml export-opml > feeds.opml
    """
    from daemon.opml import opml_from_feeds
    click.echo(opml_from_feeds(load_settings_or_exit(ctx, check_regions=False).feeds))


def utc_moment(text: str):
    """A date or ISO time from the command line, as aware UTC (naive means UTC); None if not one."""
    from datetime import datetime, timezone
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _selection(start, host: str | None) -> str:
    """The reprocess filters in words, for the line that says nothing matched them."""
    parts = ([f"fetched since {start.isoformat()}"] if start else []) + ([f"from {host}"] if host else [])
    return " and ".join(parts) or "at all"


def _host_name(text: str) -> str | None:
    """A host as the store keys it (lower case, no scheme, port, path or www.); None if not one."""
    import re
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.strip().lower()).split("/")[0].split(":")[0]
    host = host.removeprefix("www.")
    return host if re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", host) else None
