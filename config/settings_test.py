"""Settings for the test suite: production's, over plain http.

The suite runs with DEBUG off, as production does, so it needs a secret key,
and Django's test client speaks http, so HTTPS redirects and secure-only
cookies are off, and webhooks may go to loopback, where the tests' receiving
servers listen. Everything else is `config.settings` unchanged; an
environment variable that is already set still wins.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "atelier-test-suite-key-" + "x" * 40)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
# The receiving servers of the webhook tests listen on loopback.
os.environ.setdefault("ATELIER_WEBHOOKS_ALLOW_PRIVATE", "true")

from config.settings import *  # noqa: E402, F403

# Compiled pixels differ from eager ones by a level here and there, and a
# compile takes seconds: tests that want it call `cppn.use_compiled(True)`.
ATELIER_COMPILE = env("ATELIER_COMPILE", default="off")  # noqa: F405
