"""A webhook through a Redis outage, with a real worker and beat.

The claim is made while Redis is down: the change commits and the delivery
waits in the database. Once Redis is back, beat's sweep hands it to the
worker, whose first POST gets a 500 from the receiving server and whose
retry, after its back-off, gets a 200.
"""

from __future__ import annotations

import shutil

import pytest

from art_tasks.services import claim_task
from integrations.models import Delivery
from integrations.services import create_endpoint
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.integrations.receiver import Receiver
from tests.test_broker_faults import PrivateRedis, Services, _point_celery_at
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="needs redis-server"
    ),
]


@pytest.fixture
def redis(tmp_path):
    from config.celery import app

    server = PrivateRedis(tmp_path)
    server.start()
    previous = app.conf.broker_url
    _point_celery_at(redis_url=server.url)
    yield server
    server.stop()
    _point_celery_at(redis_url=previous)


@pytest.fixture
def services(transactional_db, redis, tmp_path, media_root):
    running = Services(redis, tmp_path, media_root)
    running.env["ATELIER_WEBHOOKS_ALLOW_PRIVATE"] = "true"
    running.env["ATELIER_WEBHOOK_RETRY_BASE_SECONDS"] = "2"
    yield running
    running.stop_all()
    for name in running.logs:
        assert "raised unexpected" not in running.log(name)


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = receiver.start()
    yield receiver
    server.shutdown()
    server.server_close()


def test_a_claim_made_while_redis_is_down_is_delivered_after_it_returns(
    services, redis, receiver
):
    services.worker("worker", "default")
    staff = UserFactory(username="boss", is_staff=True)
    hook = create_endpoint(owner=staff, url=receiver.url, events=["claim.made"])
    receiver.secret = hook.secret
    receiver.reply((500, "not yet"))
    task = OpenTaskFactory(created_by=staff)

    redis.stop()
    claim = claim_task(task=task, user=UserFactory(username="painter"))
    delivery = Delivery.objects.get(endpoint=hook)
    assert delivery.state == Delivery.State.PENDING
    assert receiver.received == []

    redis.start()
    services.beat()
    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).state == "delivered",
        # The sweep's minute, the workers' reconnect back-off after the outage
        # and the retry's back-off after the 500 add up on a loaded machine.
        timeout=300,
        what="the delivery to arrive",
    )
    statuses = list(
        delivery.attempts.order_by("number").values_list("status_code", flat=True)
    )
    assert statuses == [500, 200]
    assert [r.verified for r in receiver.received] == [True, True]
    assert receiver.received[1].payload["data"]["claim"]["id"] == claim.pk
