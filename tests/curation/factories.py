"""Factories for votes, and decided work voted on through the real services."""

from __future__ import annotations

import factory

from art_tasks.models import Submission
from curation.models import Vote
from curation.services import cast_vote
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import submitted_work


class VoteFactory(factory.django.DjangoModelFactory):
    """A bare vote row: no counters move and no decision is taken.

    Tests of the voting rules use `cast_votes` or `decided_work` instead.
    """

    class Meta:
        model = Vote

    submission = factory.LazyFunction(lambda: submitted_work(artist=UserFactory()))
    curator = factory.SubFactory(CuratorFactory)
    score = 4


def cast_votes(work: Submission, curators, scores, *, comments=()) -> Submission:
    """Have each curator vote their score (and comment), in order; return the work.

    Votes go through `cast_vote`, so the voting rule decides the work as soon
    as it may; the returned work is refreshed from the database.
    """
    comments = list(comments) + [None] * len(scores)
    for curator, score, comment in zip(curators, scores, comments, strict=False):
        cast_vote(submission=work, curator=curator, score=score, comment=comment)
    work.refresh_from_db()
    return work


def accepted_work_by(artist=None, **work) -> Submission:
    """Return a work by `artist` (a new person unless given) accepted on 5, 4, 4.

    Three new curators vote on it; `work` takes `submitted_work`'s keywords.
    """
    return decided_work(
        artist=artist or UserFactory(),
        curators=CuratorFactory.create_batch(3),
        scores=(5, 4, 4),
        **work,
    )


def decided_work(
    *, artist, curators, scores=(4, 4, 4), comments=(), **work
) -> Submission:
    """Submit a work by `artist` and have `curators` vote `scores` on it.

    `work` takes `submitted_work`'s keywords (task, seed, title, image,
    filename). With enough votes the rule accepts or rejects the work; with
    fewer it stays in review.
    """
    return cast_votes(
        submitted_work(artist=artist, **work), curators, scores, comments=comments
    )
