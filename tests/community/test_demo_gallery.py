"""The demo gives every gallery order and a collection something to show."""

import pytest

from django.core.management import call_command

from gallery.models import Collection
from gallery.selectors import gallery_list

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_order_and_a_collection_once(capsys):
    call_command("setup_demo", "--seeds", "6", "--size", "64")
    orders = {
        order: [w.title for w in gallery_list(order=order)]
        for order in ["top", "popular", "trending", "new", "discover"]
    }
    assert len(orders["top"]) == 5
    assert orders["popular"][0] == "Night bloom"  # 4 likes of 5 views
    assert orders["popular"] != orders["top"]
    assert orders["discover"]
    collection = Collection.objects.get(slug="harbours-and-weather")
    assert collection.published is True
    assert [i.submission.title for i in collection.items.order_by("position")] == [
        "Harbour at the edge of the cloud",
        "Paper harbour",
        "Lantern weather",
    ]
    call_command("setup_demo", "--seeds", "6", "--size", "64")
    assert Collection.objects.count() == 1
    assert gallery_list().get(title="Night bloom").view_count == 5
