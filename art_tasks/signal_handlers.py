"""Decoupled side effects: stored files follow their rows out."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete

from art_tasks.models import SeedImage, Submission, SubmissionDraft


def delete_files(sender: type, instance: Any, **kwargs: Any) -> None:
    """Delete a row's stored files once its deletion commits.

    Content-addressed names may be shared between rows, so a file is kept
    while another row still points at it.
    """
    fields = [
        f
        for f in instance._meta.get_fields()
        if f.get_internal_type() in ("FileField", "ImageField")
    ]
    for field in fields:
        fieldfile = getattr(instance, field.name)
        if not fieldfile:
            continue
        name, storage = fieldfile.name, fieldfile.storage

        def cleanup(
            name: str = name, storage: Any = storage, field: Any = field
        ) -> None:
            if not sender.objects.filter(**{field.name: name}).exists():
                storage.delete(name)

        transaction.on_commit(cleanup)


def connect() -> None:
    post_delete.connect(delete_files, sender=SeedImage, dispatch_uid="seed_files")
    post_delete.connect(
        delete_files, sender=Submission, dispatch_uid="submission_files"
    )
    post_delete.connect(
        delete_files, sender=SubmissionDraft, dispatch_uid="draft_files"
    )
