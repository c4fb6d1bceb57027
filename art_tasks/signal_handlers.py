"""Decoupled side effects: stored files follow their rows out, and the
search vectors of an artist's works follow their names."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from art_tasks.models import SeedImage, StudioRender, Submission, SubmissionDraft
from art_tasks.search import refresh_artist_search_vectors
from core import storage as object_storage

VISIBILITY_FIELDS = {"state", "web", "thumbnail"}
NAME_FIELDS = {"username", "display_name"}


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


def sync_variant_acl(
    sender: type, instance: Submission, created: bool, **kwargs: Any
) -> None:
    """Make a work's variants public in the bucket while it is accepted.

    Runs once the save commits, whenever the state or the variants change
    (on local disk there is nothing to do: the view checks every request).
    A variant shared by several works is public while any of them is
    accepted.
    """
    if not object_storage.s3_enabled():
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not VISIBILITY_FIELDS.intersection(fields):
        return
    names = [f.name for f in (instance.web, instance.thumbnail) if f]
    if not names:
        return

    def apply(names: list[str] = names) -> None:
        for name in names:
            public = Submission.objects.filter(
                Q(web=name) | Q(thumbnail=name), state=Submission.State.ACCEPTED
            ).exists()
            object_storage.set_public(name, public)

    transaction.on_commit(apply)


def refresh_artist_search(
    sender: type, instance: User, created: bool, **kwargs: Any
) -> None:
    """Rewrite the search vectors of an artist's works when their names change.

    A save that names its fields and leaves both names alone (a sign-in's
    `last_login`, say) changes nothing here; a new account has no works.
    """
    fields = kwargs.get("update_fields")
    if created or (fields is not None and not NAME_FIELDS.intersection(fields)):
        return
    refresh_artist_search_vectors(artist_id=instance.pk)


def connect() -> None:
    post_save.connect(
        refresh_artist_search, sender=User, dispatch_uid="artist_search_vectors"
    )
    post_save.connect(
        sync_variant_acl, sender=Submission, dispatch_uid="submission_variant_acl"
    )
    post_delete.connect(delete_files, sender=SeedImage, dispatch_uid="seed_files")
    post_delete.connect(
        delete_files, sender=Submission, dispatch_uid="submission_files"
    )
    post_delete.connect(
        delete_files, sender=SubmissionDraft, dispatch_uid="draft_files"
    )
    post_delete.connect(
        delete_files, sender=StudioRender, dispatch_uid="studio_render_files"
    )
