"""Reading the gallery's orders, as pages and as the API."""

from rest_framework.test import APIClient

from gallery.selectors import gallery_list


def titles(order: str) -> list[str]:
    return [w.title for w in gallery_list(order=order)]


def api_titles(order: str) -> list[str]:
    page = APIClient().get(f"/api/v1/gallery/?order={order}").json()
    return [w["title"] for w in page["results"]]
