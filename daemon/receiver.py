"""A loopback webhook receiver that checks newswatch's signatures: used by the demo and the tests.

It answers 204 to a correctly signed POST and 401 to a bad signature, and records every delivery
so a caller can count them, or can be told to fail the next N requests to exercise retries.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from daemon.alerts import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass(frozen=True, slots=True)
class Received:
    delivery_id: str
    signature_ok: bool
    body: dict[str, Any]


class WebhookReceiver:
    def __init__(self, secret: str, *, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.signature_ok]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = verify(receiver.secret, self.headers.get(TIMESTAMP_HEADER, ""), body,
                            self.headers.get(SIGNATURE_HEADER, ""))
                with receiver.lock:
                    failing = receiver.fail_first > 0
                    if failing:
                        receiver.fail_first -= 1
                    else:
                        try:
                            payload = json.loads(body)
                        except ValueError:
                            payload = {}
                        receiver.received.append(Received(self.headers.get(DELIVERY_HEADER, ""), ok, payload))
                status = 503 if failing else (204 if ok else 401)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler
