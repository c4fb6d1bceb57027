"""The OpenAPI schema is complete and says what the API really does.

drf-spectacular's warnings (name clashes, fields it cannot describe) fail
here, so a new view that breaks the schema is caught when it is written.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    """The schema as `manage.py spectacular --validate --fail-on-warn` writes it."""
    out = tmp_path_factory.mktemp("schema") / "schema.json"
    GENERATOR_STATS.reset()
    with django_db_blocker.unblock():
        try:
            call_command(
                "spectacular",
                "--validate",
                "--fail-on-warn",
                "--format",
                "openapi-json",
                "--file",
                str(out),
            )
        except Exception as exc:
            warnings = "\n".join(GENERATOR_STATS._warn_cache)
            errors = "\n".join(GENERATOR_STATS._error_cache)
            pytest.fail(f"schema generation failed: {exc}\n{warnings}\n{errors}")
    return json.loads(out.read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def resolve(schema, ref_or_schema):
    ref = ref_or_schema.get("$ref")
    if not ref:
        return ref_or_schema
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def request_schema(schema, method, path):
    operation = schema["paths"][path][method]
    content = operation["requestBody"]["content"]
    media = content.get("application/json") or content["multipart/form-data"]
    return resolve(schema, media["schema"])


def response_schema(schema, method, path, code="200"):
    content = schema["paths"][path][method]["responses"][code]["content"]
    return resolve(schema, content["application/json"]["schema"])


def test_schema_generates_without_warnings_and_validates(schema):
    assert schema["openapi"].startswith("3.")
    assert len(list(operations(schema))) >= 39


def test_every_operation_has_a_unique_id_and_a_summary(schema):
    ids = Counter(op["operationId"] for _, _, op in operations(schema))
    assert [name for name, n in ids.items() if n > 1] == []
    missing = [f"{m} {p}" for m, p, op in operations(schema) if not op.get("summary")]
    assert missing == []
    summaries = Counter(op["summary"] for _, _, op in operations(schema))
    assert [s for s, n in summaries.items() if n > 1] == []


def test_components_are_named_after_their_views(schema):
    names = set(schema["components"]["schemas"])
    for generic in ("Input", "InputRequest", "Output", "OutputRequest"):
        assert generic not in names
    assert {"TaskListInputRequest", "SubmissionVotesInputRequest"} <= names
    assert {"SeedDetailOutput", "GenerationJobDetailOutput"} <= names


def test_task_create_and_vote_take_their_own_bodies(schema):
    task = request_schema(schema, "post", "/api/v1/tasks/")
    assert "title" in task["properties"]
    assert "image" not in task["properties"]
    vote = request_schema(schema, "post", "/api/v1/submissions/{id}/votes/")
    assert set(vote["properties"]) == {"score", "comment"}
    assert vote["required"] == ["score"]
    upload = request_schema(schema, "post", "/api/v1/claims/{id}/submission/")
    assert upload["properties"]["image"]["format"] == "binary"


def test_generators_seeds_and_jobs_are_documented_as_themselves(schema):
    page = response_schema(schema, "get", "/api/v1/generators/")
    items = page["properties"]["results"]
    assert items["type"] == "array"
    generator = resolve(schema, items["items"])
    assert {"name", "version", "kind", "styles"} <= set(generator["properties"])
    seed = response_schema(schema, "get", "/api/v1/seeds/{id}/")
    assert {"recipe", "parents", "children", "fitness"} <= set(seed["properties"])
    job = response_schema(schema, "get", "/api/v1/generation-jobs/{id}/")
    assert {"state", "done", "total", "percent"} <= set(job["properties"])
    for doc in (generator, seed, job):
        assert "works" not in doc["properties"]  # a gallery collection's field


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/notifications/",
        "/api/v1/moderation/log/",
        "/api/v1/tasks/",
        "/api/v1/claims/",
        "/api/v1/drafts/",
        "/api/v1/submissions/",
        "/api/v1/collections/",
        "/api/v1/generators/",
    ],
)
def test_cursor_pages_are_documented_as_pages(schema, path):
    page = response_schema(schema, "get", path)
    assert page["type"] == "object"
    assert {"next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["type"] == "array"
    params = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= params


def test_preferences_patch_requires_its_field_and_get_is_documented(schema):
    body = request_schema(schema, "patch", "/api/v1/me/preferences/")
    assert body["required"] == ["email_notifications"]
    shown = response_schema(schema, "get", "/api/v1/me/preferences/")
    assert set(shown["properties"]) == {"email_notifications"}


def test_unlike_documents_the_body_it_returns(schema):
    responses = schema["paths"]["/api/v1/submissions/{id}/like/"]["delete"]["responses"]
    assert "204" not in responses
    assert (
        "like_count"
        in response_schema(schema, "delete", "/api/v1/submissions/{id}/like/")[
            "properties"
        ]
    )


def test_error_responses_are_documented_with_one_body(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail", "code"]
    claim = schema["paths"]["/api/v1/tasks/{id}/claim/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409", "429"} <= set(claim)
    upload = schema["paths"]["/api/v1/claims/{id}/submission/"]["post"]["responses"]
    assert "413" in upload
    for method, path, op in operations(schema):
        assert {"403", "429"} <= set(op["responses"]), f"{method} {path}"
        if "{" in path:
            assert "404" in op["responses"], f"{method} {path}"


def test_served_schema_is_the_same(client, schema):
    served = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    assert set(json.loads(served.content)["paths"]) == set(schema["paths"])


def test_preferences_can_be_read_and_patch_needs_the_field(client, artist):
    client.force_login(artist)
    response = client.get("/api/v1/me/preferences/")
    assert response.status_code == 200
    assert response.json() == {"email_notifications": artist.email_notifications}
    response = client.patch(
        "/api/v1/me/preferences/", data={}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_every_error_body_has_detail_and_code(client, artist):
    missing = client.get("/api/v1/tasks/999999/claim/")
    anonymous = client.get("/api/v1/me/")
    client.force_login(artist)
    not_found = client.get("/api/v1/seeds/999999/")
    unknown = client.post("/api/v1/claims/999999/release/")
    for response in (missing, anonymous, not_found, unknown):
        assert response.status_code in (403, 404, 405), response.content
        body = response.json()
        assert body["detail"]
        assert body["code"]


def test_unknown_api_addresses_answer_json_and_pages_stay_html(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.get("/api/v1/seeds/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_form_patch_without_the_field_leaves_preferences_alone(client, artist):
    artist.email_notifications = True
    artist.save(update_fields=["email_notifications"])
    client.force_login(artist)
    for content_type, body in [
        ("application/x-www-form-urlencoded", "theme=dark"),
        ("multipart/form-data; boundary=BB", "--BB--\r\n"),
    ]:
        response = client.patch(
            "/api/v1/me/preferences/", data=body, content_type=content_type
        )
        assert response.status_code == 400
        assert "email_notifications" in response.json()["errors"]
        artist.refresh_from_db()
        assert artist.email_notifications is True
    response = client.patch(
        "/api/v1/me/preferences/",
        data="email_notifications=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.json() == {"email_notifications": False}


def test_bodies_django_refuses_to_read_get_json_errors(client, artist, settings):
    client.force_login(artist)
    many = "&".join(f"ids={n}" for n in range(1, 1200))
    response = client.post(
        "/api/v1/notifications/read/",
        data=many,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "too many fields" in response.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/notifications/read/",
        data={"ids": list(range(1, 400))},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
