"""Settings for bench/scale.py: the test suite's, plus a minimal JSON view.

The bench runs production code over plain http (``config.settings_test``)
against its own throwaway database (DATABASE_URL, set by the script). Two
things differ, both for the benchmark's sake:

* ``ROOT_URLCONF`` adds ``/bench/minimal/`` (``bench.scale_urls``), the
  baseline every figure is divided by;
* cache keys carry their own prefix, so "cold cache" deletes only the
  bench's page-cache keys in a shared Redis (sessions, kept apart as in
  production, stay: a cold page cache signs nobody out), and Celery
  publishes to an in-memory broker, so jobs timed in-process never queue
  work for a real worker.
"""

from config.settings_test import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
CACHES["default"]["KEY_PREFIX"] = "bench_scale"  # noqa: F405
CACHES["sessions"]["KEY_PREFIX"] = "bench_scale_session"  # noqa: F405
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
