"""Celery tasks of accounts (none yet)."""
