"""Factories for follows and notifications.

Rows are made directly: a `NotificationFactory` row sends no e-mail and is not
deduplicated by key (`community.services.notifications.notify` does both).
"""

import factory

from community.models import Follow, Notification
from tests.accounts.factories import UserFactory


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    artist = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.MODERATION
    text = factory.Sequence(lambda n: f"News {n}")
    key = factory.Sequence(lambda n: f"news-{n}")
