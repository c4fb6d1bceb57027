"""Reads of accounts shared by pages and the API."""

from django.db.models import QuerySet

from .models import User


def active_artists() -> QuerySet[User]:
    return User.objects.filter(is_active=True, submissions__state="accepted").distinct()
