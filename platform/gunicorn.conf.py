"""gunicorn settings for the web container (a config file, not a module of Atelier)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
accesslog = "-"
errorlog = "-"
# Uploads of up to 20 MB stream through; keep-alive for the HTMX polls.
keepalive = 5
