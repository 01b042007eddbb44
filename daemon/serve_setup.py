"""What `newswatch serve` prepares before it hands over to Datasette: the metadata for this store,
in a private file, and a check that the address is free (one line and exit 2, not a server log)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import click


def datasette_metadata(db: Path, template: Path) -> dict:
    """Datasette keys metadata by database name (the file's stem): fill the shipped template's "*"."""
    metadata = json.loads(template.read_text(encoding="utf-8"))
    metadata["databases"] = {db.stem: metadata["databases"]["*"]}
    return metadata


def private_metadata_file(metadata: dict) -> Path:
    """The metadata in a fresh folder only this user can read: no clash with other users or stores.

    Datasette reads it after the exec, so nobody is left to delete it; the system's temp cleaning does.
    """
    import tempfile
    target = Path(tempfile.mkdtemp(prefix="newswatch-serve-")) / "metadata.json"
    target.write_text(json.dumps(metadata), encoding="utf-8")
    return target


def refuse_busy_address(host: str, port: int) -> None:
    """Exit 2 with one line when Datasette could not listen on host:port, rather than exec it into
    a server log and exit 3: most often another `newswatch serve` already has the port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        click.echo(f"error: --host {host}: not an address this machine can listen on ({exc.strerror})", err=True)
        raise SystemExit(2)
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            click.echo(f"error: cannot listen on {host}:{port} ({exc.strerror}); another `newswatch serve` "
                       f"may have it: choose another with --port", err=True)
            raise SystemExit(2)
