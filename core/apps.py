from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app stands on; no tables."""

    name = "core"
    verbose_name = "Core"
