"""The alert outbox's commands, list and retry (--dry-run, --from-rule for a renamed rule), and the
alert lines status and run print. Apart from cli_tools because retry's guards (rule names, unset
URLs, a running daemon) are a concern of their own. Registered on the main group in cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import click

from daemon.cli_support import counted, db_option, load_settings_or_exit, open_existing_store, store_path
from daemon.cli_tools import utc_moment


@click.group("alerts")
def alerts() -> None:
    """List the alert outbox; queue failed alerts again to their rules' current targets.

    \b
    Example:
      newswatch -c config/newswatch.toml alerts list --failed
    """


@alerts.command("list")
@click.option("--failed", "only_failed", is_flag=True, help="Only alerts given up as failed.")
@click.option("--rule", default=None, metavar="NAME", help="Only this rule's alerts.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Show at most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@db_option
@click.pass_context
def alerts_list(ctx: click.Context, only_failed: bool, rule: str | None, limit: int, as_json: bool) -> None:
    """The outbox's rows, newest first: status, attempts, article, target and last error. Targets
    are shown redacted (rule, scheme and host), as the outbox stores them.

    \b
    Example:
      newswatch alerts list --failed --rule sahel-desk
    """
    from storage.webhook_targets import shown_target
    store = open_existing_store(store_path(ctx))
    rows = store.outbox_rows(status="failed" if only_failed else None, rule=rule, limit=limit)
    store.close()
    listed = [{"id": d.id, "status": d.status, "attempts": d.attempts, "rule": d.rule, "article_id": d.article_id,
               "target": shown_target(d.rule, d.target), "last_error": d.last_error,
               "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None} for d in rows]
    if as_json:
        click.echo(json.dumps(listed, indent=2))
        return
    if not listed:
        of_rule = f" of rule {rule!r}" if rule else ""
        click.echo(f"no {'failed ' if only_failed else ''}alerts{of_rule} in the outbox", err=True)
        return
    width = max(len("target"), *(len(row["target"]) for row in listed))
    click.echo(f"{'id':>6}  {'status':<9}  attempts  {'article':>7}  {'target':<{width}}  last error")
    for row in listed:
        click.echo(f"{row['id']:>6}  {row['status']:<9}  {row['attempts']:>8}  {row['article_id']:>7}  "
                   f"{row['target']:<{width}}  {row['last_error'] or ''}".rstrip())


@alerts.command("retry")
@click.option("--rule", default=None, metavar="NAME", help="Only this rule's failed alerts.")
@click.option("--since", metavar="DATE", default=None,
              help="Only alerts queued on or after this date or time (2026-01-31 or 2026-01-31T08:00, UTC).")
@click.option("--from-rule", "from_rule", default=None, metavar="OLD",
              help="With --rule NEW: queue the failed alerts of OLD, a rule since renamed to NEW, to NEW's "
                   "current targets.")
@click.option("--dry-run", is_flag=True, help="Print each alert that would be queued, and a total; change nothing.")
@db_option
@click.pass_context
def alerts_retry(ctx: click.Context, rule: str | None, since: str | None, from_rule: str | None,
                 dry_run: bool) -> None:
    """Queue failed alerts again, to each rule's targets as the config has them now: after a wrong
    webhook or notify URL is corrected, or once a receiver that was down for hours is back. Alerts
    still pending for a URL the rule no longer has move too. A target that already got an
    article's alert never gets it again. Nothing is sent here: `run` sends them at its next
    delivery pass (restart it first if it still runs with the old config).

    After a rule is renamed in the config, its failed alerts keep the old name: --from-rule OLD
    --rule NEW queues them to NEW's current targets (a target that got an alert under the old
    name does not get it again) and marks the old rows replaced.

    --dry-run prints one line per alert that would be queued (rule, target, article, last error)
    and a total, and leaves the store as it is.

    \b
    Examples:
      newswatch -c /etc/newswatch/newswatch.toml alerts retry --rule sahel-desk --since 2026-11-20
      newswatch alerts retry --from-rule mali-desk --rule sahel-desk --dry-run
    """
    from datetime import datetime, timezone
    from daemon.alerts import targets_of
    settings = load_settings_or_exit(ctx, check_regions=False)
    start = utc_moment(since) if since else None
    if since and start is None:
        click.echo(f"error: --since {since!r} is not a date such as 2026-01-31 or 2026-01-31T08:00", err=True)
        raise SystemExit(2)
    rules = {r.name: r for r in settings.alerts}
    _refuse_rule_names(ctx.obj["config"], rules, rule, from_rule)
    store = open_existing_store(settings.storage_path)
    try:
        failed = store.failed_alerts()
        if from_rule is not None and not any(group.rule == from_rule for group in failed):
            with_failed = sorted({group.rule for group in failed})
            click.echo(f"error: rule {from_rule!r} has no failed alerts in {settings.storage_path}"
                       + (f" (rules with failed alerts: {', '.join(with_failed)})" if with_failed else ""), err=True)
            raise SystemExit(2)
        waiting = {rule} if from_rule is not None else {group.rule for group in failed if rule in (None, group.rule)}
        _refuse_unknown_targets(ctx.obj["config"], waiting)
        done = store.requeue_failed({name: targets_of(r) for name, r in rules.items()},
                                    datetime.now(timezone.utc), rule=rule, since=start, from_rule=from_rule,
                                    dry_run=dry_run)
    finally:
        store.close()
    for name, count in done.rule_gone:
        click.echo(f"warning: rule {name!r} is no longer in the config: its {counted(count, 'failed alert')} "
                   f"stay failed (`alerts retry --from-rule {name} --rule NEW` moves them to a renamed rule)",
                   err=True)
    if dry_run:
        for line in requeue_plan_lines(done):
            click.echo(line)
    if not (done.queued or done.already_delivered or done.already_pending or done.replaced):
        click.echo("no failed alerts match; nothing to do", err=True)
        return
    click.echo(requeue_summary(done, dry_run=dry_run, rule=rule, from_rule=from_rule))
    if done.queued and not dry_run and (pid := _running_daemon(settings.storage_path)) is not None:
        click.echo(f"note: `newswatch run` (pid {pid}) sends them with the targets it read when it started; "
                   f"restart it if the config changed since", err=True)


def requeue_summary(done, *, dry_run: bool, rule: str | None, from_rule: str | None) -> str:
    """retry's total: alerts queued, left alone (already had or owed) and old rows marked replaced."""
    left = done.already_delivered + done.already_pending
    where = f"rule {rule}'s current targets (from rule {from_rule})" if from_rule else "the rules' current targets"
    replaced = "" if from_rule else " for targets no longer configured"
    return (("dry run: would queue " if dry_run else "queued ") + f"{counted(done.queued, 'alert')} again to {where}"
            + (f"; {left} left alone (the target already got it: {done.already_delivered}, "
               f"or is owed it: {done.already_pending})" if left else "")
            + (f"; {counted(done.replaced, 'row')}{replaced} {'would be ' if dry_run else ''}marked replaced"
               if done.replaced else "")
            + ("; nothing changed" if dry_run else ""))


def requeue_plan_lines(done) -> list[str]:
    """--dry-run's lines: one per alert a retry would queue, with its rule, target, article and the
    error its failed row ended with."""
    from storage.webhook_targets import shown_target
    lines = []
    for step in done.steps:
        renamed = f" (from rule {step.from_rule})" if step.from_rule != step.rule else ""
        title = f" {step.article_title!r}" if step.article_title else ""
        lines.append(f"would queue: rule {step.rule}{renamed} to {shown_target(step.rule, step.target)}: "
                     f"article {step.article_id}{title}; last error: {step.last_error or 'none recorded'}")
    return lines


def _refuse_rule_names(config: str, rules, rule: str | None, from_rule: str | None) -> None:
    """Exit 2 with one line when --rule names no configured rule, or --from-rule is given without
    --rule, names the same rule, or names a rule still configured (it was not renamed)."""
    problem = None
    if rule is not None and rule not in rules:
        configured = f" (its rules: {', '.join(sorted(rules))})" if rules else " (it has no [[alerts]] rules)"
        problem = (f"no alert rule {rule!r} in {config}{configured}; failed alerts are queued again only to a "
                   f"configured rule's targets")
    elif from_rule is not None and rule is None:
        problem = f"--from-rule {from_rule} needs --rule NEW: the configured rule whose targets get its failed alerts"
    elif from_rule is not None and from_rule == rule:
        problem = f"--from-rule and --rule both name {rule!r}; `alerts retry --rule {rule}` retries its own alerts"
    elif from_rule is not None and from_rule in rules:
        problem = (f"rule {from_rule!r} is still in {config}, so it was not renamed; `alerts retry --rule "
                   f"{from_rule}` queues its failed alerts to its own targets")
    if problem:
        click.echo(f"error: {problem}", err=True)
        raise SystemExit(2)


def _refuse_unknown_targets(config: str, rules: set[str]) -> None:
    """A notification URL read from the environment ({ url_env = … }) that is not set here makes
    a rule's targets unknown: re-queuing without it would drop that target. Exit 2, naming it."""
    import os
    import tomllib
    tables = tomllib.loads(Path(config).read_text(encoding="utf-8")).get("alerts", [])
    unset = []
    for table in tables:
        if not isinstance(table, dict) or table.get("name") not in rules:
            continue
        for entry in table.get("notify", []):
            variable = entry.get("url_env") if isinstance(entry, dict) else None
            if isinstance(variable, str) and not os.environ.get(variable, "").strip():
                unset.append((table["name"], variable))
    for name, variable in unset:
        click.echo(f"error: rule {name!r}: its notification URL comes from {variable}, which is not set here; "
                   f"run this with the service's environment (e.g. set -a; . /etc/newswatch/secrets.env; set +a)",
                   err=True)
    if unset:
        raise SystemExit(2)


def _running_daemon(store: str) -> int | None:
    """The pid of a live `newswatch run` on the store, from the lock file it writes (cli_support.run_lock)."""
    import os
    try:
        holder = Path(store + ".lock").read_text(encoding="ascii").strip()
        pid = int(holder)
        os.kill(pid, 0)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return pid


def failed_alert_lines(groups, shown: int = 10) -> list[str]:
    """status's lines for given-up alerts: one per rule and target, the newest first, at most shown."""
    from storage.webhook_targets import shown_target
    lines = [f"  failed:   {counted(g.count, 'alert')} of rule {g.rule} to {shown_target(g.rule, g.target)} "
             f"(last: {g.last_error or 'no error recorded'})" for g in groups[:shown]]
    if len(groups) > shown:
        lines.append(f"  failed:   … and {len(groups) - shown} more rule/target pairs "
                     f"(newswatch alerts list --failed)")
    # The delivery pass records a rule gone from the config in these words (daemon/alerts.py): most
    # often it was renamed, and only --from-rule moves its alerts to the new name.
    gone = sorted({g.rule for g in groups if "is no longer in the config" in (g.last_error or "")})
    if any(g.rule not in gone for g in groups):
        lines.append("  (`newswatch alerts retry` queues failed alerts again to their rules' current targets)")
    lines += [f"  (rule {rule} is no longer in the config: if it was renamed, `newswatch alerts retry "
              f"--from-rule {rule} --rule NEW-NAME` queues its alerts again under the new name)" for rule in gone]
    return lines


def alert_pass_text(outcome) -> str:
    """A delivery pass in run --once's summary line."""
    return f"alerts {outcome.delivered} delivered, {outcome.retrying} retrying, {outcome.failed} failed"


def alert_trouble_lines(outcome, shown: int = 5) -> list[str]:
    """run --once's lines under the summary: each target and error a pass failed on, given up first."""
    troubles = sorted(outcome.troubles, key=lambda t: (not t.gave_up, -t.count))
    lines = [f"  alert {'failed' if t.gave_up else 'retrying'}: {t.target}: {t.error} ({counted(t.count, 'alert')})"
             for t in troubles[:shown]]
    if len(troubles) > shown:
        lines.append(f"  … and {len(troubles) - shown} more (newswatch status)")
    return lines
