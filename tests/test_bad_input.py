"""Numbers nobody expects (unicode digits, ids past 64 bits) and a database that refuses to
write: a clear answer and nothing lost, never a 500."""

import pytest
from django.conf import settings
from django.db import connection

from peer_reviews.models import Invitation, WorksheetSubmission
from portal.parsing import MAX_ID, clamp_int, parse_id
from tests.factories import make_practice
from tests.factories_reviews import make_invitation, make_user, make_worksheet
from tests.test_reviews_participation import COMPLETE, QUESTIONS, link

pytestmark = pytest.mark.django_db

NINES = "9" * 5000
HUGE_ID = "999999999999999999999999999999"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("①", None),
        ("٣", None),  # int() would take this Arabic-Indic three
        ("1_000", None),
        ("7\n", 7),
        ("7\x00", None),
        (NINES, None),
        ("", None),
        (None, None),
        (12, 12),
        (True, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_clamp_int():
    assert clamp_int("5", 1, 1, 10) == 5
    assert clamp_int("-5", 1, 1, 10) == 1
    assert clamp_int(NINES, 1, 1, 10) == 10
    assert clamp_int("①", 1, 1, 10) == 1


@pytest.mark.parametrize("raw", ["%C2%B2", "①", NINES, HUGE_ID, "-1", "0"])
def test_compare_ignores_numbers_that_are_not_ids(client, practice_index, raw):
    practice = make_practice(practice_index, title="Help at home")
    response = client.get(f"/practices/compare/?p={raw}&p={practice.pk}")
    assert response.status_code == 200
    assert "Help at home" in response.content.decode()


@pytest.mark.parametrize("raw", ["①", NINES, "-4"])
def test_listing_pages_take_junk_page_numbers(client, practice_index, raw):
    make_practice(practice_index)
    assert client.get("/practices/", {"page": raw}).status_code == 200
    assert client.get("/search/", {"page": raw}).status_code == 200
    # The API validates its parameters against its OpenAPI document: a clear JSON 422.
    response = client.get("/api/v1/practices/", {"page": raw, "per_page": raw})
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")


def test_api_detail_of_an_id_past_64_bits_is_refused_in_json(client, site_pages):
    response = client.get(f"/api/v1/practices/{HUGE_ID}/")
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("return_url", ["home", "0", "https://evil.example/", ""])
def test_page_password_form_goes_back_to_the_page_whatever_the_return_address(
    client, practice_index, return_url
):
    # Wagtail hands return_url to redirect(), which took "home" for a view name: a 500.
    from wagtail.models import PageViewRestriction

    page = make_practice(practice_index, title="Members-only kitchens")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": "secret", "return_url": return_url},
    )
    assert response.status_code == 302
    assert response["Location"] == page.url
    assert "Members-only kitchens" in client.get(page.url).content.decode()


def test_document_address_with_more_digits_than_python_converts_is_not_found(client, db):
    assert client.get(f"/documents/{NINES}/report.pdf").status_code == 404


@pytest.fixture
def worksheet(site_pages):
    return make_worksheet(questions=QUESTIONS)


@pytest.fixture
def invitation(worksheet):
    return make_invitation(worksheet, name="Aino")


@pytest.mark.parametrize("raw", [HUGE_ID, "①", "²", NINES])
def test_worksheet_with_an_impossible_practice_id_keeps_the_answers(
    client, worksheet, invitation, raw
):
    typed = {**COMPLETE, "recommendation": "Start with one district.", "practices_to_look_at": raw}
    response = client.post(link(worksheet, invitation), {"action": "submit", **typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a valid value" in html
    assert "Start with one district." in html
    assert "Case manager" in html
    assert not WorksheetSubmission.objects.exists()


def test_organiser_action_on_an_impossible_invitation_id_is_not_found(client, worksheet):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    for raw in ("①", HUGE_ID, NINES):
        response = client.post(
            worksheet.url + "participants/", {"action": "revoke", "invitation": raw}
        )
        assert response.status_code == 404


class database_refuses_writes:  # noqa: N801
    """SQLite refuses every write, as a read-only database does (the query_only pragma).
    PostgreSQL's refusals are further down."""

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")


sqlite_only = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's query_only pragma; the PostgreSQL versions are further down",
)


@sqlite_only
def test_refused_write_keeps_the_answers_and_the_next_try_saves(client, worksheet, invitation):
    url = link(worksheet, invitation)
    typed = {**COMPLETE, "recommendation": "Begin with the harbour district."}
    with database_refuses_writes():
        response = client.post(url, {"action": "submit", **typed})
        assert response.status_code == 503
        html = response.content.decode()
        assert "could not be saved just now" in html
        assert "Begin with the harbour district." in html
        assert "Case manager" in html
    assert not WorksheetSubmission.objects.exists()
    response = client.post(url, {"action": "submit", **typed})
    assert response.status_code == 200
    saved = WorksheetSubmission.objects.get(invitation=invitation)
    assert saved.form_data["recommendation"] == "Begin with the harbour district."


@sqlite_only
def test_any_view_the_database_fails_answers_503(client, worksheet):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    url = worksheet.url + "participants/"
    with database_refuses_writes():
        response = client.post(url, {"action": "invite", "name": "Mira"})
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "try again in a moment" in response.content.decode()
    assert not Invitation.objects.filter(name="Mira").exists()
    assert client.post(url, {"action": "invite", "name": "Mira"}).status_code == 302
    assert Invitation.objects.filter(name="Mira").exists()


# PostgreSQL: the database really refuses the write. The tests commit (transaction=True):
# inside the usual test transaction the worksheet's rows would be invisible to the second
# connection, and the test's own transaction would hold locks the second one waits for.
postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL only: on SQLite the query_only tests above cover this",
)


class another_connection_locks_the_table:  # noqa: N801
    """Another session holds an EXCLUSIVE lock on ``table`` (reads go on, writes wait, as
    under a long migration or a bulk job); our session gives up waiting after a short
    lock_timeout, as a production setting would."""

    def __init__(self, table):
        self.table = table

    def __enter__(self):
        import psycopg

        settings_dict = connection.settings_dict
        self.other = psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or None,
        )
        self.other.execute(f'LOCK TABLE "{self.table}" IN EXCLUSIVE MODE')
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        return self

    def __exit__(self, *exc):
        self.other.rollback()
        self.other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


class the_session_is_read_only:  # noqa: N801
    """Our session may only read, as on a standby or a database put in read-only mode."""

    def __init__(self, table):
        pass

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("RESET default_transaction_read_only")


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refusal", [another_connection_locks_the_table, the_session_is_read_only])
def test_postgresql_refuses_the_write_the_answers_stay_and_the_next_try_saves(
    client, worksheet, invitation, refusal
):
    url = link(worksheet, invitation)
    # A draft is saved first: the refused submit must leave it exactly as it was.
    draft = {**COMPLETE, "recommendation": "A first thought."}
    assert client.post(url, {"action": "draft", **draft}).status_code == 302
    before = WorksheetSubmission.objects.get(invitation=invitation)
    assert before.form_data["recommendation"] == "A first thought."

    typed = {**COMPLETE, "recommendation": "Begin with the harbour district."}
    with refusal(WorksheetSubmission._meta.db_table):
        response = client.post(url, {"action": "submit", **typed})
        assert response.status_code == 503
        html = response.content.decode()
        assert "could not be saved just now" in html
        assert "Begin with the harbour district." in html
        assert "Case manager" in html
    after = WorksheetSubmission.objects.get(invitation=invitation)
    assert (after.form_data, after.status, after.submitted_at) == (
        before.form_data,
        before.status,
        before.submitted_at,
    )
    assert not after.is_submitted

    response = client.post(url, {"action": "submit", **typed})
    assert response.status_code == 200
    saved = WorksheetSubmission.objects.get(invitation=invitation)
    assert saved.is_submitted
    assert saved.form_data["recommendation"] == "Begin with the harbour district."


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refusal", [another_connection_locks_the_table, the_session_is_read_only])
def test_postgresql_refusing_any_view_answers_503(client, worksheet, refusal):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    url = worksheet.url + "participants/"
    with refusal(Invitation._meta.db_table):
        response = client.post(url, {"action": "invite", "name": "Mira"})
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert "try again in a moment" in response.content.decode()
    assert not Invitation.objects.filter(name="Mira").exists()
    assert client.post(url, {"action": "invite", "name": "Mira"}).status_code == 302
    assert Invitation.objects.filter(name="Mira").exists()
