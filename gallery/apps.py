from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = "Gallery and curation"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from art_tasks.models import Submission
        from gallery.caching import on_submission_saved

        post_save.connect(
            on_submission_saved, sender=Submission, dispatch_uid="gallery.cache"
        )
        post_delete.connect(
            on_submission_saved, sender=Submission, dispatch_uid="gallery.cache-del"
        )
