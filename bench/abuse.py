"""Abuse Atelier the way a script would, against gunicorn with 4 workers.

Starts gunicorn (``config.wsgi``, production settings over plain http) on a
free port of 127.0.0.1, against a PostgreSQL database it creates and
migrates if needed, with ``REDIS_URL`` set so the workers share one cache.
Then, for a bounded time each:

1. sends wrong passwords for one account to the sign-in page as fast as it
   can, and prints how many were answered as a normal attempt (the form
   again) before the page started refusing them (429), per minute;
2. the same with a different account name each time from one address
   (password spraying), which the per-address lockout stops;
3. hammers one API endpoint without signing in, and prints how many
   requests were let through per minute against the configured limit
   (and the most in any 60 s stretch).

The sign-in form's field names are read from the page itself, so the bench
works with Django's form (``username``) and django-allauth's (``login``).
Only loopback is used; everything it starts stops when it ends. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/atelier_abuse \\
    REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/abuse.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGIN_PATH = "/accounts/login/"
TARGET = "bench-target"
PASSWORD = "bench-correct-horse-battery"  # noqa: S105 - a throwaway local account


class LoginForm(HTMLParser):
    """The first form with a password field: its action and field names."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "inputs": []}
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            self._form["inputs"].append(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None

    def fields(self) -> tuple[str, str, str, dict[str, str]]:
        """(action, account field, password field, hidden fields)."""
        for form in self.forms:
            inputs = form["inputs"]
            password = [i["name"] for i in inputs if i.get("type") == "password"]
            if not password:
                continue
            hidden = {
                i["name"]: i.get("value", "")
                for i in inputs
                if i.get("type") == "hidden"
            }
            names = [
                i["name"]
                for i in inputs
                if i.get("type", "text") in ("text", "email")
                and i["name"] not in hidden
            ]
            preferred = [n for n in ("login", "username", "email") if n in names]
            account = (preferred or names)[0]
            return form["action"] or LOGIN_PATH, account, password[0], hidden
        raise SystemExit("no sign-in form with a password field on " + LOGIN_PATH)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, method: str, path: str, body: str = "", headers=None):
    """One request on a fresh loopback connection: (status, headers, text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response, text
    finally:
        conn.close()


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                raise SystemExit(f"unexpected database name {name!r}")
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def clear_counters(redis_url: str) -> None:
    """Start from zero: drop the rate-limit counters left by an earlier run."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("atelier:*:ratelimit:*", count=1000):
        client.delete(key)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(120):
        try:
            if request(port, "GET", LOGIN_PATH)[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def cookie_of(response, name: str) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


def hammer(seconds: float, threads: int, attempt) -> list[tuple[float, int]]:
    """Call `attempt()` from `threads` threads until `seconds` have passed."""
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + seconds

    def run(worker: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            status = attempt(worker, count)
            count += 1
            with lock:
                results.append((time.monotonic() - start, status))

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sorted(results)


def login_attack(port: int, seconds: float, threads: int, spray: bool):
    status, response, html = request(port, "GET", LOGIN_PATH)
    form = LoginForm()
    form.feed(html)
    action, account_field, password_field, hidden = form.fields()
    csrf = cookie_of(response, "csrftoken")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://127.0.0.1:{port}{LOGIN_PATH}",
    }

    def attempt(worker: int, count: int) -> int:
        account = f"sprayed-{worker}-{count}" if spray else TARGET
        body = urlencode(
            {**hidden, account_field: account, password_field: "wrong-" + str(count)}
        )
        return request(port, "POST", action, body, headers)[0]

    return (account_field, password_field), hammer(seconds, threads, attempt)


def most_in_a_minute(times: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 60:
            start += 1
        most = max(most, end - start + 1)
    return most


def report_login(title: str, results: list[tuple[float, int]], seconds: float):
    answered = [t for t, s in results if s == 200]
    refused = [t for t, s in results if s == 429]
    other = len(results) - len(answered) - len(refused)
    print(f"\n{title}")
    sent = f"{len(results)} in {seconds:.0f} s"
    print(f"  attempts sent:                        {sent}")
    print(f"  answered as a normal attempt (200):   {len(answered)}")
    print(f"  refused, locked out (429):            {len(refused)}")
    if other:
        print(f"  other answers:                        {other}")
    if not refused:
        print("  lockout:                              never")
    else:
        # Answers finish out of order (a password check takes far longer
        # than a refusal), so report both ends rather than an order.
        last = f"{answered[-1]:.1f} s" if answered else "none"
        print(f"  first refusal at:                     {refused[0]:.1f} s")
        print(f"  last normal answer at:                {last}")
    print(f"  wrong passwords accepted per minute:  {len(answered) / seconds * 60:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/atelier_abuse"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--seconds", type=float, default=60, help="each phase, at most 60"
    )
    parser.add_argument("--api-path", default="/api/v1/gallery/")
    args = parser.parse_args()
    seconds = min(args.seconds, 60)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"u, _ = User.objects.get_or_create(username='{TARGET}', "
        f"defaults={{'email': '{TARGET}@example.test'}}); "
        f"u.set_password('{PASSWORD}'); u.save()",
    )
    clear_counters(args.redis_url)
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"atelier-abuse-{port}.log"
    server = start_gunicorn(env, port, args.workers, log)
    try:
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}, "
            f"cache: {args.redis_url}, {args.threads} client threads"
        )
        fields, results = login_attack(port, seconds, args.threads, spray=False)
        print(f"sign-in form fields: {fields[0]!r} / {fields[1]!r}")
        report_login(f"(a) wrong passwords for one account, {TARGET}", results, seconds)
        clear_counters(args.redis_url)
        _, results = login_attack(port, seconds, args.threads, spray=True)
        title = "(a') wrong passwords, a new account name each time (one address)"
        report_login(title, results, seconds)

        limit = os.environ.get("ATELIER_ANON_THROTTLE", "600/minute")

        def api(worker: int, count: int) -> int:
            return request(port, "GET", args.api_path)[0]

        results = hammer(seconds, args.threads, api)
        through = [t for t, s in results if s == 200]
        refused = [t for t, s in results if s == 429]
        print(f"\n(b) GET {args.api_path} without signing in, limit {limit}")
        sent = f"{len(results)} in {seconds:.0f} s"
        print(f"  requests sent:                        {sent}")
        print(f"  let through (200):                    {len(through)}")
        print(f"  refused (429):                        {len(refused)}")
        print(
            "  let through per minute:               "
            f"{len(through) / seconds * 60:.0f} (limit {limit})"
        )
        print(f"  most in any 60 s stretch:             {most_in_a_minute(through)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
