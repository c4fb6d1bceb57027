"""The back-off of polled fragments (core/live.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from django.test import RequestFactory

from core.live import Pace, next_poll, version_of

PACE = Pace(base=3, cap=60)


def _poll(query: str, version: str = "abc"):
    request = RequestFactory().get(f"/frag/{query}")
    return next_poll(request, url="/frag/", version=version, pace=PACE)


def _query(poll) -> dict[str, list[str]]:
    return parse_qs(urlsplit(poll.url).query)


def test_a_first_render_polls_at_the_base_and_carries_its_version():
    poll = _poll("")

    assert poll.every == 3
    assert _query(poll) == {"v": ["abc"], "every": ["3"]}


def test_each_unchanged_answer_doubles_the_wait_up_to_the_cap():
    waits = []
    query = "?v=abc&every=3"
    for _ in range(7):
        poll = _poll(query)
        waits.append(poll.every)
        query = "?" + urlsplit(poll.url).query

    assert waits == [6, 12, 24, 48, 60, 60, 60]


def test_a_change_drops_back_to_the_base():
    assert _poll("?v=old&every=48", version="new").every == 3


@pytest.mark.parametrize("every", ["", "-5", "abc", "99999", "1"])
def test_a_bad_wait_counts_as_within_the_pace(every):
    poll = _poll(f"?v=abc&every={every}")

    assert 3 <= poll.every <= 60


def test_extra_parameters_ride_along():
    request = RequestFactory().get("/frag/?empty=1&v=x&every=10")
    poll = next_poll(
        request, url="/frag/", version="x", pace=PACE, params={"empty": "1"}
    )

    assert _query(poll) == {"empty": ["1"], "v": ["x"], "every": ["20"]}


def test_versions_tell_apart_what_a_fragment_shows():
    assert version_of([(1, "processing")]) != version_of([(1, "in_review")])
    assert version_of([(1, "in_review")]) == version_of([(1, "in_review")])
    assert len(version_of([])) == 12
