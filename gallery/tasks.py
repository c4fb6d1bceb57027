"""Celery tasks of the gallery (none yet: votes decide synchronously)."""
