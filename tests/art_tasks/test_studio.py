"""The studio of tools: renders on the imaging queue, submit, draft, privacy."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from art_tasks.errors import ClaimNotLive, InvalidRecipe
from art_tasks.models import Claim, StudioRender, Submission, SubmissionDraft
from art_tasks.services import request_studio_render, run_studio_render
from art_tasks.studio_render import render
from tests.accounts.factories import UserFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db

STEPS = [
    {"op": "crop", "params": {"ratio": "1:1", "w": 0.75}},
    {"op": "duotone", "params": {"shadow": "#0b3954", "highlight": "#ff5a5f"}},
    {"op": "grain", "params": {"amount": 0.3, "seed": 11}},
]


@pytest.fixture
def claim(claimed):
    return claimed[1]


def _render(claim, *, purpose="download", steps=STEPS, **kwargs):
    return request_studio_render(
        claim=claim,
        user=claim.contributor,
        seed=claim.task.seeds.first(),
        steps=steps,
        purpose=purpose,
        **kwargs,
    )


def _run(django_capture_on_commit_callbacks, eager_celery, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        made = _render(**kwargs)
    made.refresh_from_db()
    return made


def _pixels(field) -> np.ndarray:
    with field.open("rb") as fh:
        return np.asarray(Image.open(fh).convert("RGB"))


def test_a_render_is_made_from_the_full_size_seed_exactly_as_the_recipe_says(
    claim, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(django_capture_on_commit_callbacks, eager_celery, claim=claim)
    assert made.state == StudioRender.State.DONE
    assert (made.width, made.height) == (48, 48)  # 1:1 from the 64 px seed
    with made.seed.image.open("rb") as fh:
        expected = render(Image.open(fh), made.steps)
    assert np.array_equal(_pixels(made.result), np.asarray(expected))
    again = _run(django_capture_on_commit_callbacks, eager_celery, claim=claim)
    assert again.sha256 == made.sha256


def test_a_second_run_of_a_finished_render_changes_nothing(
    claim, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(django_capture_on_commit_callbacks, eager_celery, claim=claim)
    before = (made.state, made.sha256, made.updated_at)
    run_studio_render(render=made)
    made.refresh_from_db()
    assert (made.state, made.sha256, made.updated_at) == before


def test_submitting_from_the_tools_goes_to_review_with_the_recipe(
    claim, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        purpose="submit",
        title="Dusk",
        license=claim.task.license,
    )
    assert made.state == StudioRender.State.DONE
    work = made.submission
    assert work.state == Submission.State.IN_REVIEW
    assert work.sha256 == made.sha256
    assert work.web.name  # the usual variants were made
    assert work.studio_recipe["steps"] == made.steps
    assert [s["op"] for s in work.studio_recipe["steps"]] == [
        "crop",
        "duotone",
        "grain",
    ]
    claim.refresh_from_db()
    assert claim.state == Claim.State.SUBMITTED


def test_the_provenance_shows_the_steps_in_json_and_on_its_page(
    claim, client, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        purpose="submit",
        title="Dusk",
        license=claim.task.license,
    )
    client.force_login(claim.contributor)
    record = client.get(f"/art/{made.submission.pk}/provenance.json").json()
    assert record["studio"]["steps"] == made.steps
    page = client.get(f"/art/{made.submission.pk}/provenance/").content.decode()
    assert "Made in Atelier" in page
    assert "Duotone" in page
    assert "shadow=#0b3954" in page


def test_an_uploaded_work_has_no_studio_steps_in_its_provenance(client, accepted_work):
    work = accepted_work("Upload")
    record = client.get(f"/art/{work.pk}/provenance.json").json()
    assert record["studio"] is None


def test_a_blend_uses_the_uploaded_layer_and_records_its_fingerprint(
    claim, django_capture_on_commit_callbacks, eager_celery
):
    layer = io.BytesIO(png_bytes((30, 30), (250, 250, 250)))
    made = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        steps=[{"op": "blend", "params": {"mode": "multiply", "opacity": 0.5}}],
        layer=layer,
    )
    assert made.layer.name.startswith("layers/")
    with made.seed.image.open("rb") as fh:
        seed = np.asarray(Image.open(fh).convert("RGB"), dtype=int)
    assert (_pixels(made.result) <= seed).all()


def test_saving_as_a_draft_keeps_the_recipe_and_the_tools_restore_it(
    claim, client, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        purpose="draft",
        title="Later",
        license=claim.task.license,
    )
    draft = SubmissionDraft.objects.get(contributor=claim.contributor)
    assert made.draft == draft
    assert draft.studio_recipe["steps"] == made.steps
    client.force_login(claim.contributor)
    task_page = client.get(claim.task.get_absolute_url()).content.decode()
    assert "Reopen in the tools" in task_page
    tools = client.get(f"/claims/{claim.pk}/tools/?draft={draft.pk}")
    steps = tools.content.decode().split('id="studio-initial-steps"')[1]
    assert json.loads(steps.split(">", 1)[1].split("</script>")[0]) == made.steps


def test_a_bad_recipe_is_refused_and_nothing_is_stored(claim):
    with pytest.raises(InvalidRecipe, match="unknown operation 'melt'"):
        _render(claim, steps=[{"op": "melt", "params": {}}])
    assert StudioRender.objects.count() == 0


def test_submitting_needs_a_title(claim):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Give your artwork a title"):
        _render(claim, purpose="submit", license=claim.task.license)


def test_an_ended_claim_cannot_use_the_tools(claim):
    Claim.objects.filter(pk=claim.pk).update(state=Claim.State.RELEASED)
    claim.refresh_from_db()
    with pytest.raises(ClaimNotLive, match="claim it again"):
        _render(claim)


def test_the_page_refuses_a_bad_recipe_with_a_400_and_its_reason(claim, client):
    client.force_login(claim.contributor)
    response = client.post(
        f"/claims/{claim.pk}/tools/render/",
        {
            "seed": claim.task.seeds.first().pk,
            "steps": json.dumps([{"op": "blur", "params": {"radius": 9}}]),
            "purpose": "download",
        },
    )
    assert response.status_code == 400
    assert "radius must be between 0 and 0.05" in response.content.decode()
    assert StudioRender.objects.count() == 0


def test_the_api_refuses_a_bad_recipe_with_a_400_naming_the_step(claimed):
    api, claim = claimed
    response = api.post(
        f"/api/v1/claims/{claim.pk}/renders/",
        {"seed": claim.task.seeds.first().pk, "steps": '[{"op": "melt"}]'},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Step 1: unknown operation 'melt'" in json.dumps(response.json())


def test_the_api_queues_a_render_and_its_maker_reads_it(
    claimed, django_capture_on_commit_callbacks, eager_celery
):
    api, claim = claimed
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/claims/{claim.pk}/renders/",
            {
                "seed": claim.task.seeds.first().pk,
                "steps": json.dumps(STEPS),
                "layer": SimpleUploadedFile("l.png", png_bytes((20, 20)), "image/png"),
            },
            format="multipart",
        )
    assert response.status_code == 202
    shown = api.get(f"/api/v1/renders/{response.json()['id']}/").json()
    assert shown["state"] == "done"
    assert shown["result"].endswith(f"/studio/renders/{shown['id']}/result/")


def test_a_render_is_private_to_its_maker(
    claim, client, django_capture_on_commit_callbacks, eager_celery
):
    made = _run(django_capture_on_commit_callbacks, eager_celery, claim=claim)
    stranger = UserFactory()
    paths = [
        f"/studio/renders/{made.pk}/",
        f"/studio/renders/{made.pk}/result/",
        f"/claims/{claim.pk}/tools/",
    ]
    client.force_login(stranger)
    assert [client.get(p).status_code for p in paths] == [404, 404, 404]
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/renders/{made.pk}/").status_code == 404
    client.force_login(claim.contributor)
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]
    download = client.get(f"/studio/renders/{made.pk}/result/?download=1")
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_old_renders_are_deleted_with_their_files_but_a_shared_layer_stays(
    claim, settings, django_capture_on_commit_callbacks, eager_celery
):
    from datetime import timedelta

    from django.utils import timezone

    from art_tasks.services import delete_old_studio_renders

    steps = [{"op": "blend", "params": {"mode": "screen"}}]
    layer = png_bytes((16, 16), (10, 200, 30))
    old = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        steps=steps,
        layer=io.BytesIO(layer),
    )
    recent = _run(
        django_capture_on_commit_callbacks,
        eager_celery,
        claim=claim,
        steps=steps + [{"op": "flip", "params": {}}],
        layer=io.BytesIO(layer),
    )
    assert old.layer.name == recent.layer.name  # stored once, by its hash
    past = timezone.now() - timedelta(hours=2 * settings.ATELIER_DRAFT_KEEP_HOURS + 1)
    StudioRender.objects.filter(pk=old.pk).update(updated_at=past)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_old_studio_renders() == 1
    assert list(StudioRender.objects.values_list("pk", flat=True)) == [recent.pk]
    storage = recent.result.storage
    assert storage.exists(old.result.name) is False
    assert storage.exists(recent.layer.name) is True
