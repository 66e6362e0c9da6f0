"""Admin login throttling with django-axes, through the login form over HTTP."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def sign_in(client, password, username="editor", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_passwords_lock_the_account_from_that_address(client, editor):
    for _ in range(2):
        response = sign_in(client, "wrong")
        assert response.status_code == 200  # the login form again, with its error
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    # Now even the right password is refused, with the friendly, explained page.
    refused = sign_in(client, "password")
    assert refused.status_code == 429
    assert "Signing in is paused" in refused.content.decode()
    assert "15 minutes" in refused.content.decode()
    assert refused["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session
    # Another address, or another account from this address, is not affected.
    assert sign_in(client, "password", ip="10.0.0.2").status_code == 302
    client.logout()
    UserFactory(username="other", is_staff=True, is_superuser=True)
    assert sign_in(client, "password", username="other").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_after_the_cool_off_the_right_password_works_again(client, editor):
    for _ in range(3):
        sign_in(client, "wrong")
    assert sign_in(client, "password").status_code == 429
    # Fifteen minutes and a second later:
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=15, seconds=1)
    )
    response = sign_in(client, "password")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_axes_reset_unlocks_at_once(client, editor):
    for _ in range(3):
        sign_in(client, "wrong")
    assert sign_in(client, "password").status_code == 429
    call_command("axes_reset")
    assert sign_in(client, "password").status_code == 302


def test_the_default_limit_is_five(client, editor):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, "wrong").status_code == 429


@pytest.mark.parametrize("ip", ["", "unix:/run/gunicorn.sock", "unknown"])
def test_a_request_without_a_valid_address_signs_in_and_is_counted(client, editor, ip):
    """A server on a unix socket gives no REMOTE_ADDR: axes records no address (PostgreSQL's
    inet column refused "unknown" with a 500) and the sign-in still works."""
    assert sign_in(client, "wrong", ip=ip).status_code == 200
    assert AccessAttempt.objects.get().ip_address is None
    response = sign_in(client, "password", ip=ip)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)
