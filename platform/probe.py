"""Container health probe: `python platform/probe.py /readyz` exits 0 on a 200.

Asks the web process on this host with a Host header it accepts (the first
of DJANGO_ALLOWED_HOSTS) and as if through the TLS proxy, so neither
ALLOWED_HOSTS nor the https redirect turns the probe away. No Django import:
it runs every few seconds.
"""

import os
import sys
import urllib.error
import urllib.request


def probe_host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(path: str) -> int:
    port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
    request = urllib.request.Request(  # noqa: S310 - a fixed http URL
        f"http://127.0.0.1:{port}{path}",
        headers={
            "Host": probe_host(),
            "X-Forwarded-Proto": "https",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    except OSError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    print(f"{path}: {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/readyz"))
