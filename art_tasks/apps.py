from django.apps import AppConfig


class ArtTasksConfig(AppConfig):
    name = "art_tasks"
    verbose_name = "Creation tasks"

    def ready(self) -> None:
        from art_tasks import signal_handlers

        signal_handlers.connect()
