"""Signing a delivery, and the checks a receiver makes with `verify_signature`."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from integrations.services import retry_delay
from integrations.signing import SignatureError, sign, verify_signature

SECRET = "whsec_test-secret"
BODY = b'{"id":"1","type":"claim.made"}'
NOW = 1_790_000_000


def test_the_signature_is_the_hmac_of_timestamp_dot_body_with_the_secret():
    expected = hmac.new(
        SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256
    ).hexdigest()
    assert sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_a_fresh_signature_verifies_and_gives_its_timestamp():
    header = sign(SECRET, BODY, NOW)
    assert verify_signature(SECRET, BODY, header, now=NOW + 10) == NOW


def test_a_changed_body_is_refused():
    header = sign(SECRET, BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, BODY + b" ", header, now=NOW)


def test_another_secret_is_refused():
    header = sign("whsec_other", BODY, NOW)
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, BODY, header, now=NOW)


def test_a_replayed_delivery_with_an_old_timestamp_is_refused():
    header = sign(SECRET, BODY, NOW)
    assert verify_signature(SECRET, BODY, header, 300, now=NOW + 300) == NOW
    with pytest.raises(SignatureError, match="outside the tolerance"):
        verify_signature(SECRET, BODY, header, 300, now=NOW + 301)


def test_a_timestamp_from_the_future_is_refused_too():
    header = sign(SECRET, BODY, NOW + 600)
    with pytest.raises(SignatureError, match="outside the tolerance"):
        verify_signature(SECRET, BODY, header, now=NOW)


def test_a_forged_timestamp_breaks_the_signature():
    """Moving `t` forward to pass the tolerance check invalidates the HMAC."""
    old = sign(SECRET, BODY, NOW - 3600)
    forged = old.replace(f"t={NOW - 3600}", f"t={NOW}")
    with pytest.raises(SignatureError, match="does not match"):
        verify_signature(SECRET, BODY, forged, now=NOW)


@pytest.mark.parametrize("header", ["", "v1=abc", f"t={NOW}", "t=soon,v1=abc"])
def test_a_malformed_header_is_refused(header):
    with pytest.raises(SignatureError, match="no timestamp or no v1"):
        verify_signature(SECRET, BODY, header, now=NOW)


def test_one_matching_signature_among_several_is_enough():
    good = sign(SECRET, BODY, NOW).partition(",")[2]
    header = f"t={NOW},v1={'0' * 64},{good}"
    assert verify_signature(SECRET, BODY, header, now=NOW) == NOW


def test_retries_back_off_exponentially_between_half_and_all_of_each_step(settings):
    settings.ATELIER_WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.ATELIER_WEBHOOK_RETRY_MAX_SECONDS = 3 * 3600
    lowest = [retry_delay(n, rand=lambda: 0.0) for n in range(1, 6)]
    highest = [retry_delay(n, rand=lambda: 0.999999) for n in range(1, 6)]
    assert [d.total_seconds() for d in lowest] == [15, 30, 60, 120, 240]
    assert [round(d.total_seconds()) for d in highest] == [30, 60, 120, 240, 480]


def test_retries_are_never_more_than_the_cap_apart(settings):
    settings.ATELIER_WEBHOOK_RETRY_MAX_SECONDS = 3 * 3600
    assert retry_delay(40) <= timedelta(hours=3)
    assert retry_delay(40, rand=lambda: 0.0) == timedelta(hours=1.5)


def test_the_schedule_keeps_retrying_for_about_a_day(settings):
    """With the default settings, the attempts of one delivery span a day."""
    waited, attempts = timedelta(0), 0
    while waited + retry_delay(attempts + 1, rand=lambda: 1.0) <= timedelta(hours=24):
        attempts += 1
        waited += retry_delay(attempts, rand=lambda: 1.0)
    assert attempts >= 12
    assert waited > timedelta(hours=20)
