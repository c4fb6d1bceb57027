from django.contrib import admin

from integrations.models import Attempt, Delivery, Endpoint, Event


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "scope", "is_active", "paused_at"]
    list_filter = ["scope", "is_active"]
    raw_id_fields = ["owner"]
    exclude = ["secret"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["type", "uid", "created_at"]
    list_filter = ["type"]
    raw_id_fields = ["artist"]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    readonly_fields = [f.name for f in Attempt._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["uid", "endpoint", "state", "attempt_count", "next_attempt_at"]
    list_filter = ["state"]
    raw_id_fields = ["event", "endpoint", "redelivery_of"]
    inlines = [AttemptInline]
