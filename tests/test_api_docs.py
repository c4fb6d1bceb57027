"""The API describes itself, and its docs work without the internet."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_every_operation(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/claim/",
        "/api/v1/claims/{id}/release/",
        "/api/v1/claims/{id}/submission/",
        "/api/v1/submissions/{id}/votes/",
        "/api/v1/gallery/",
        "/api/v1/artists/{username}/",
    ]:
        assert path.replace("{id}", "{pk}") in paths or path in paths, path


def test_api_docs_load_their_scripts_from_atelier_itself(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
