"""The role checks every app asks: staff, curators and moderators."""

import pytest

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from core import roles
from core.errors import NotAllowed
from tests.accounts.factories import CuratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_holds_no_role():
    visitor = AnonymousUser()
    assert roles.is_signed_in(visitor) is False
    assert roles.is_staff(visitor) is False
    assert roles.is_curator(visitor) is False
    assert roles.is_moderator(visitor) is False
    assert roles.is_signed_in(None) is False


def test_curators_and_staff_moderate_and_others_do_not():
    member = UserFactory(username="member")
    curator = CuratorFactory(username="judge")
    staff = UserFactory(username="boss", is_staff=True)
    assert [roles.is_curator(u) for u in (member, curator, staff)] == [
        False,
        True,
        False,
    ]
    assert [roles.is_moderator(u) for u in (member, curator, staff)] == [
        False,
        True,
        True,
    ]


def test_inactive_staff_are_not_staff():
    gone = UserFactory(username="gone", is_staff=True, is_active=False)
    assert roles.is_staff(gone) is False


def test_require_staff_refuses_everyone_else_with_the_message():
    with pytest.raises(NotAllowed, match="Only staff can publish."):
        roles.require_staff(UserFactory(username="member"), "Only staff can publish.")
    roles.require_staff(UserFactory(username="boss", is_staff=True))


def test_the_curator_check_reads_prefetched_groups_without_a_query(
    django_assert_num_queries,
):
    CuratorFactory(username="judge")
    UserFactory(username="member")
    with django_assert_num_queries(2):  # the users, then their groups
        people = list(User.objects.prefetch_related("groups").order_by("username"))
        assert [roles.is_curator(u) for u in people] == [True, False]
