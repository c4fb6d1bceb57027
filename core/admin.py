"""Admin pieces the apps share: rows that only services write."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class ServiceWrittenAdmin(admin.ModelAdmin):
    """A model whose rows are made by services, never added in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ReadOnlyAdmin(ServiceWrittenAdmin):
    """A record of what happened (votes, the ledger, the audit log): shown only."""

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
