"""Downloads carry licence and attribution; provenance records trace each work."""

import hashlib
import io

import pytest
from PIL import Image

from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def encoded(fmt: str, *, mode: str = "RGB", exif: Image.Exif | None = None) -> bytes:
    image = Image.new(mode, (40, 30), (30, 90, 160, 200)[: len(mode)])
    for x in range(40):
        image.putpixel((x, x % 30), (250, 200, 20, 255)[: len(mode)])
    out = io.BytesIO()
    options = {"exif": exif.tobytes()} if exif is not None else {}
    if fmt == "WEBP":
        options["lossless"] = True
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.fixture
def artist_zoe(db):
    return UserFactory(username="zoe", display_name="Zoë Ōtani")


def accepted(task, artist, curators, data: bytes, name: str):
    return decided_work(
        task=task,
        artist=artist,
        title="Nuit bleue",
        image=data,
        filename=name,
        curators=curators,
        scores=[5, 4, 4],
    )


def download(client, work) -> tuple[bytes, object]:
    response = client.get(f"/art/{work.pk}/download/")
    assert response.status_code == 200
    return response.content, response


def same_pixels(a: bytes, b: bytes) -> bool:
    with Image.open(io.BytesIO(a)) as one, Image.open(io.BytesIO(b)) as two:
        return one.tobytes() == two.tobytes() and one.size == two.size


def test_a_png_download_has_text_chunks_and_xmp_and_the_same_pixels(
    client, open_task, artist_zoe, curators
):
    original = encoded("PNG")
    work = accepted(open_task, artist_zoe, curators, original, "a.png")
    body, response = download(client, work)
    assert response["Content-Type"] == "image/png"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="nuit-bleue-by-zoe.png"'
    )
    with Image.open(io.BytesIO(body)) as image:
        text = image.text
    assert text["Author"] == "Zoë Ōtani"
    assert text["Title"] == "Nuit bleue"
    assert (
        "“Nuit bleue” by Zoë Ōtani, on Atelier, licensed CC-BY-4.0" in text["Copyright"]
    )
    assert text["License"] == LICENSE_URL
    assert text["Source"] == f"http://testserver/art/{work.pk}/"
    assert f'cc:license rdf:resource="{LICENSE_URL}"' in text["XML:com.adobe.xmp"]
    assert same_pixels(body, original)


def test_the_stored_original_is_never_changed(client, open_task, artist_zoe, curators):
    original = encoded("PNG")
    work = accepted(open_task, artist_zoe, curators, original, "a.png")
    download(client, work)
    with work.original.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == work.sha256
    assert work.sha256 == hashlib.sha256(original).hexdigest()


def test_a_jpeg_download_has_exif_and_xmp_and_keeps_its_orientation(
    client, open_task, artist_zoe, curators
):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the viewer must still turn it
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # a camera's location: dropped
    original = encoded("JPEG", exif=exif)
    work = accepted(open_task, artist_zoe, curators, original, "a.jpg")
    body, response = download(client, work)
    assert response["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body)) as image:
        tags = image.getexif()
        xmp = image.info["xmp"].decode()
        assert tags[0x013B] == "Zoe Otani"  # Artist, folded to ASCII
        assert LICENSE_URL in tags[0x8298]  # Copyright
        assert tags[0x0112] == 6
        assert 0x8825 not in tags
        assert "<rdf:li>Zoë Ōtani</rdf:li>" in xmp
        assert "<xmpRights:Marked>True</xmpRights:Marked>" in xmp
    assert same_pixels(body, original)


def test_a_webp_download_announces_exif_and_xmp(
    client, open_task, artist_zoe, curators
):
    original = encoded("WEBP", mode="RGBA")
    work = accepted(open_task, artist_zoe, curators, original, "a.webp")
    body, response = download(client, work)
    assert response["Content-Type"] == "image/webp"
    assert body[12:16] == b"VP8X"
    with Image.open(io.BytesIO(body)) as image:
        assert image.getexif()[0x013B] == "Zoe Otani"
        assert LICENSE_URL in image.info["xmp"].decode()
        assert image.mode == "RGBA"
    assert same_pixels(body, original)


def test_public_domain_work_is_marked_unrestricted(client, staff, artist_zoe, curators):
    from art_tasks.models import License
    from tests.art_tasks.factories import OpenTaskFactory

    task = OpenTaskFactory(created_by=staff, license=License.CC0)
    work = accepted(task, artist_zoe, curators, encoded("PNG"), "a.png")
    body, _ = download(client, work)
    with Image.open(io.BytesIO(body)) as image:
        xmp = image.text["XML:com.adobe.xmp"]
    assert "<xmpRights:Marked>False</xmpRights:Marked>" in xmp
    assert "publicdomain/zero/1.0" in xmp


def test_work_in_review_cannot_be_downloaded_by_visitors(client, open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    assert client.get(f"/art/{work.pk}/download/").status_code == 404
    client.force_login(artist)
    assert client.get(f"/art/{work.pk}/download/").status_code == 200


def test_the_provenance_record_traces_the_work_to_its_seed_and_decision(
    client, open_task, artist_zoe, curators
):
    work = accepted(open_task, artist_zoe, curators, encoded("PNG"), "a.png")
    record = client.get(f"/art/{work.pk}/provenance.json").json()
    assert record["work"]["sha256"] == work.sha256
    assert record["work"]["license_url"] == LICENSE_URL
    assert record["artist"] == {
        "username": "zoe",
        "name": "Zoë Ōtani",
        "url": "http://testserver/artists/zoe/",
    }
    assert record["task"]["id"] == open_task.pk
    assert record["seed"]["recipe"] == work.seed.recipe
    assert record["seed"]["sha256"] == work.seed.sha256
    assert record["decision"]["state"] == "accepted"
    assert record["decision"]["votes"] == 3
    assert record["decision"]["mean_score"] == pytest.approx(13 / 3, abs=1e-4)
    assert record["decision"]["rule"]["quorum"] == 3
    assert record["timestamps"]["decided_at"] == work.decided_at.isoformat()
    api = APIClient().get(f"/api/v1/submissions/{work.pk}/provenance/").json()
    assert {k: v for k, v in api.items() if k != "timestamps"} == {
        k: v for k, v in record.items() if k != "timestamps"
    }


def test_provenance_of_unpublished_work_is_not_public(client, open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    assert client.get(f"/art/{work.pk}/provenance.json").status_code == 404
    assert (
        APIClient().get(f"/api/v1/submissions/{work.pk}/provenance/").status_code == 404
    )


def test_the_artwork_page_links_the_download_and_the_provenance(
    client, open_task, artist_zoe, curators
):
    work = accepted(open_task, artist_zoe, curators, encoded("PNG"), "a.png")
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert f'href="/art/{work.pk}/download/"' in page
    assert f'href="/art/{work.pk}/provenance.json"' in page
    assert "“Nuit bleue” by Zoë Ōtani, on Atelier, licensed CC-BY-4.0" in page
    assert "1 view" in page


def test_the_provenance_page_reads_in_words_with_the_json_one_click_away(
    client, open_task, artist_zoe, curators
):
    work = accepted(open_task, artist_zoe, curators, encoded("PNG"), "a.png")
    artwork = client.get(f"/art/{work.pk}/").content.decode()
    assert f'href="/art/{work.pk}/provenance/"' in artwork
    page = client.get(f"/art/{work.pk}/provenance/").content.decode()
    assert "Where “Nuit bleue” came from" in page
    assert "Zoë Ōtani" in page
    assert f"Seed {work.seed.index + 1}</a>, painted by the pattern painter" in page
    assert "3 curator votes, mean score 4.33 of 5" in page
    assert f'href="/art/{work.pk}/provenance.json"' in page
    assert work.sha256 in page  # the fingerprints, behind "Technical details"
    assert "cppn@" not in page.split("<details")[0]
    pending = submitted_work(task=open_task, artist=UserFactory(username="newcomer"))
    assert client.get(f"/art/{pending.pk}/provenance/").status_code == 404


def test_visitors_read_seeds_and_works_in_plain_words(
    client, open_task, artist_zoe, curators
):
    work = accepted(open_task, artist_zoe, curators, encoded("PNG"), "a.png")
    seed_page = client.get(f"/seeds/{work.seed.pk}/").content.decode()
    visible = seed_page.split("<details")[0]
    for jargon in ("cppn@", "Fitness", " on cpu"):
        assert jargon not in visible, jargon
    assert "Painted by</dt><dd>The pattern painter" in seed_page
    assert "Random number" in seed_page
    assert f'href="/seeds/{work.seed.pk}/recipe.json"' in seed_page
    artwork = client.get(f"/art/{work.pk}/").content.decode()
    assert "top rank" not in artwork
    assert "cppn@" not in artwork
    task_page = client.get(open_task.get_absolute_url()).content.decode()
    assert "cppn@" not in task_page
