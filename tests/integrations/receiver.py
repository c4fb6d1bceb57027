"""A real webhook receiver on loopback, for the tests to deliver to.

It checks each delivery's signature with `integrations.signing`, as a
receiver should, answers what the test scripted (a status, or a wait past
the sender's timeout) and records what came: headers, body, whether the
signature held.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from integrations.signing import SignatureError, verify_signature


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answer each POST with the next scripted reply, then 200 "ok"."""

    secret: str = ""
    replies: list[tuple[int, str] | float] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def reply(self, *replies: tuple[int, str] | float) -> None:
        """Queue replies: `(status, body)`, or a float of seconds to stall."""
        self.replies.extend(replies)

    def start(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    verify_signature(
                        receiver.secret,
                        body,
                        self.headers.get("X-Atelier-Signature", ""),
                    )
                    verified = True
                except SignatureError:
                    verified = False
                receiver.received.append(Received(dict(self.headers), body, verified))
                reply = receiver.replies.pop(0) if receiver.replies else (200, "ok")
                if isinstance(reply, float):
                    time.sleep(reply)
                    reply = (200, "too late")
                status, text = reply if verified else (401, "bad signature")
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
