"""Factories for likes and collections.

The rows are made directly: a `LikeFactory` row moves no like counter and no
rank (the tests of those use `gallery.services.like_work`). Works default to
an accepted work by a new artist.
"""

import factory

from gallery.models import Collection, CollectionItem, Like
from tests.accounts.factories import UserFactory
from tests.curation.factories import accepted_work_by


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    submission = factory.LazyFunction(accepted_work_by)
    user = factory.SubFactory(UserFactory)


class CollectionFactory(factory.django.DjangoModelFactory):
    """A published collection; add works with `CollectionItemFactory`."""

    class Meta:
        model = Collection

    slug = factory.Sequence(lambda n: f"collection-{n}")
    title = factory.Sequence(lambda n: f"Collection {n}")
    curated_by = factory.SubFactory(UserFactory, is_staff=True)
    published = True


class CollectionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectionItem

    collection = factory.SubFactory(CollectionFactory)
    submission = factory.LazyFunction(accepted_work_by)
    position = factory.Sequence(lambda n: n + 1)
