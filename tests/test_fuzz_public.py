"""Property-based fuzzing of everything the public can reach (issue 11, "Bad input and
faults"): every public GET view and every form a visitor or participant can post, driven by
hypothesis with arbitrary strings, numbers nobody expects ("²", "①", thirty nines, negative,
empty) and repeated parameters.

The promises: never a 500 (the test client re-raises a view's exception, so a crash fails the
example with its traceback), never a half-saved object, and a form with errors shows back
what was typed. The data is built once per module; each example runs in a savepoint that is
rolled back, so examples are independent and hypothesis can shrink a failure.
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from peer_reviews.models import Invitation, SubmissionStatus, WorksheetSubmission
from portal.demo import load_legal_pages
from portal.models import Region
from portal.ratelimit import DEFAULT_RATE_LIMITS
from practices.models import PracticeContact
from search.facets import FACET_KEYS
from search.query import SORTS
from tests.factories import UserFactory, make_practice
from tests.factories_events import (
    make_event_index,
    make_masterclass,
    make_staff_exchange,
    make_study_visit,
    make_workshop,
)
from tests.factories_reviews import answer, make_invitation, make_worksheet
from tests.factories_search import make_search_corpus
from tests.test_reviews_participation import COMPLETE, QUESTIONS

# One worker builds the data once for every test here (make test runs --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fuzz_public")]

# -- strategies ------------------------------------------------------------------------------

# Numbers as visitors type them, and what int() and str.isdigit() disagree on.
NUMBERS = [
    "",
    "0",
    "1",
    "2",
    "-1",
    "-0",
    "+5",
    " 7 ",
    "7\n",
    "1.5",
    "1e3",
    "0x1f",
    "1_000",
    "NaN",
    "inf",
    "²",
    "①",
    "٣",
    "１",
    "\x00",
    "7\x00",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 5000,
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
]
# Any Unicode a client can send (surrogates cannot be encoded as UTF-8 by any client).
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
NUMBER = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str))
JUNK = st.one_of(NUMBER, TEXT)


def values(*known):
    """One parameter's value(s): junk or a value the view knows, once or repeated."""
    one = st.one_of(JUNK, st.sampled_from(known)) if known else JUNK
    return st.one_of(one, st.lists(one, min_size=2, max_size=4))


def query(keys, known=()):
    """A query string: some of ``keys`` (or any name), each with junk or a known value."""
    return st.dictionaries(
        st.one_of(st.sampled_from(keys), TEXT), values(*known), max_size=len(keys) + 1
    )


SEARCH_KEYS = ["q", *FACET_KEYS, "sort", "page", "per_page", "format", "find"]
SEARCH_VALUES = [
    *SORTS,
    "older people",
    '"home care" -youth',
    "IT",
    "ES",
    "lombardia",
    "employment",
    "older-people",
    "near",
    "interreg-europe",
    "ongoing",
    "1m-5m",
    "2015-2019",
    "practice",
    "event",
]
FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def segment(text):
    """``text`` as one path segment, percent-encoded as a browser sends it."""
    return quote(text, safe="")


# -- data, built once ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Practices (public, draft, restricted, with contacts), events of every kind, a
    worksheet with a participant, the legal pages and the reference data, inside a
    transaction rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        corpus = make_search_corpus()
        home = corpus["home"].get_parent().get_parent().specific
        index = corpus["home"].get_parent()
        load_legal_pages(home)
        with_contacts = make_practice(
            index,
            title="Community kitchens",
            contacts=[
                PracticeContact(
                    name="Rita Sousa",
                    email="rita@example.org",
                    public=True,
                    consent_date=datetime.date(2024, 1, 5),
                ),
                PracticeContact(name="Hidden Person", email="hidden@example.org", public=False),
            ],
            budgets=[{"amount": Decimal(120_000), "currency": "EUR"}],
        )
        draft = make_practice(index, title="Unpublished kitchens", publish=False)
        private = make_practice(index, title="Members-only kitchens")
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
        )
        events = make_event_index(home)
        workshop = make_workshop(events, title="Peer review in Murcia")
        worksheet = make_worksheet(workshop, questions=QUESTIONS)
        past = datetime.date.today() - datetime.timedelta(days=400)
        event_pages = [
            make_study_visit(events, practices=[corpus["home"]]),
            make_masterclass(events, start_date=past, end_date=past),
            make_staff_exchange(events),
            workshop,
        ]
        revoked = make_invitation(worksheet, name="Ben")
        revoked.revoke()
        contacts = {c.public: c for c in with_contacts.contacts.all()}
        public_ids = {corpus[key].pk for key in corpus} | {with_contacts.pk}
        yield {
            **corpus,
            "site_home": home,
            "with_contacts": with_contacts,
            "public_ids": public_ids,
            "public_contact": contacts[True],
            "hidden_contact": contacts[False],
            "draft": draft,
            "private": private,
            "events": events,
            "event_pages": event_pages,
            "worksheet": worksheet,
            "invitation": make_invitation(worksheet, name="Aino", email="aino@example.org"),
            "revoked": revoked,
            "organiser": UserFactory(is_superuser=True, is_staff=True),
            "region": Region.objects.get(slug="lombardia"),
            "document_restriction": CollectionViewRestriction.objects.create(
                collection=Collection.get_first_root_node(),
                restriction_type=CollectionViewRestriction.PASSWORD,
                password="secret",
            ),
        }
        transaction.set_rollback(True)


@pytest.fixture
def data(world, db, settings):
    # Hundreds of requests from one address in a few seconds are what the rate limits are
    # there to stop (portal/ratelimit.py); switched off here so every example reaches the view.
    settings.PORTAL_RATE_LIMITS = dict.fromkeys(DEFAULT_RATE_LIMITS)
    # The page cache on, as in production (test settings turn it off): arbitrary addresses
    # and query strings go through its keys too. Examples only read, so nothing stale is seen.
    settings.PORTAL_PAGE_CACHE_TIMEOUT = 600
    return world


class rolled_back:  # noqa: N801
    """Run an example in a savepoint undone afterwards, so examples do not see each other's
    writes (and hypothesis can replay a failing one)."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.atomic.__exit__(*exc)


def fetch(path, params=None, *, method="get", client=None, **extra):
    """The response of a fresh visitor (no cookies from an earlier example); never a 5xx."""
    client = client or Client()
    response = getattr(client, method)(path, params if params is not None else {}, **extra)
    assert response.status_code < 500, (path, params, response.status_code)
    return response


def as_wsgi(header):
    """A header value as a WSGI server passes it on: its UTF-8 bytes read as latin-1."""
    return header.encode().decode("latin-1")


def names_id(text, pk):
    """Whether a path segment names the id ``pk`` for Django's int converter (ASCII digits,
    leading zeros allowed; no int() here: 5,000 digits are past Python's conversion limit)."""
    return re.fullmatch(r"[0-9]+", text) is not None and text.lstrip("0") == str(pk)


def html_of(response):
    return response.content.decode()


# -- GET views -------------------------------------------------------------------------------


@FUZZ
@given(
    path=st.sampled_from(
        [
            "/",
            "/practices/",
            "/privacy/",
            "/accessibility/",
            "/legal-notice/",
            "/validation-criteria/",
            "/projects/",
            "/regions/",
            "/events/",
        ]
    ),
    params=query(["page", "sort", "per_page", *FACET_KEYS], SEARCH_VALUES),
    accept_language=st.one_of(st.sampled_from(["", "de", "es-ES,es;q=0.9", "*", "q=x"]), TEXT),
    language_cookie=st.one_of(st.none(), st.sampled_from(["it", "xx"]), TEXT),
)
def test_pages_answer_any_query_string(data, path, params, accept_language, language_cookie):
    # Headers arrive as bytes; a WSGI server hands them to Django decoded as latin-1.
    client = Client(HTTP_ACCEPT_LANGUAGE=as_wsgi(accept_language))
    if language_cookie is not None:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = as_wsgi(language_cookie)
    response = fetch(path, params, client=client)
    assert response.status_code == 200
    assert "<footer" in html_of(response)


@FUZZ
@given(params=query(SEARCH_KEYS, SEARCH_VALUES))
def test_search_answers_any_query_string(data, params):
    response = fetch("/search/", params)
    assert response.status_code == 200
    assert data["private"].title not in html_of(response)


@FUZZ
@given(params=query(SEARCH_KEYS, SEARCH_VALUES))
def test_csv_download_answers_any_query_string(data, params):
    response = fetch("/practices/download/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert data["private"].title not in body


@FUZZ
@given(ids=st.lists(st.one_of(NUMBER, st.sampled_from(["HOME", "DRAFT", "PRIVATE"])), max_size=6))
def test_compare_takes_any_ids(data, ids):
    named = {"HOME": data["home"].pk, "DRAFT": data["draft"].pk, "PRIVATE": data["private"].pk}
    ids = [str(named.get(raw, raw)) for raw in ids]
    for fmt in ("", "csv"):
        response = fetch("/practices/compare/", {"p": ids, "format": fmt, "find": "care"})
        assert response.status_code == 200
        body = response.getvalue().decode("utf-8-sig")  # the CSV is streamed
        assert data["private"].title not in body and data["draft"].title not in body
    # A real id next to junk is still compared (up to four ids are taken, junk skipped).
    if str(data["home"].pk) in ids[:4]:
        assert data["home"].title in html_of(fetch("/practices/compare/", {"p": ids}))


@FUZZ
@given(
    route=st.one_of(
        st.sampled_from(["", "markdown/", "contact/PUBLIC/", "contact/HIDDEN/", "nothing/"]),
        NUMBER.map(lambda n: f"contact/{segment(n)}/"),
        TEXT.map(lambda t: segment(t) + "/"),
    ),
    params=query(["page", "format", "p"]),
)
def test_practice_page_and_its_routes(data, route, params):
    practice = data["with_contacts"]
    route = route.replace("PUBLIC", str(data["public_contact"].pk))
    route = route.replace("HIDDEN", str(data["hidden_contact"].pk))
    response = fetch(practice.url + route, params)
    assert response.status_code in (200, 404)
    if route in ("", "markdown/"):
        assert response.status_code == 200
    body = response.content.decode()
    # A contact who did not agree is never shown; the shown one's address only on a POST.
    assert "hidden@example.org" not in body and "rita@example.org" not in body
    contact = re.fullmatch(r"contact/([0-9]+)/", route)
    if contact:  # the contact's page (its reveal button) for the public contact only
        found = names_id(contact[1], data["public_contact"].pk)
        assert response.status_code == (200 if found else 404)


@FUZZ
@given(params=query(SEARCH_KEYS, SEARCH_VALUES))
def test_api_list_answers_any_query_string(data, params):
    response = fetch("/api/v1/practices/", params)
    if response.status_code == 422:  # a number or choice out of range: said, in JSON
        assert all(problem["loc"][0] == "query" for problem in response.json()["detail"])
        return
    assert response.status_code == 200
    payload = response.json()
    assert payload["engine"] and 1 <= payload["page"] <= max(1, payload["num_pages"])
    assert len(payload["results"]) <= 100
    assert data["private"].pk not in {r["id"] for r in payload["results"]}


@FUZZ
@given(
    tail=st.one_of(
        st.sampled_from(["HOME", "DRAFT", "PRIVATE"]).map(lambda n: f"practices/{n}/"),
        NUMBER.map(lambda n: f"practices/{segment(n)}/"),
        TEXT.map(lambda t: segment(t) + "/"),
    ),
    method=st.sampled_from(["get", "head", "post"]),
)
def test_api_detail_and_unknown_addresses_answer_json(data, tail, method):
    tail = tail.replace("HOME", str(data["home"].pk))
    tail = tail.replace("DRAFT", str(data["draft"].pk)).replace("PRIVATE", str(data["private"].pk))
    response = fetch("/api/v1/" + tail, method=method)
    assert response["Content-Type"].startswith("application/json")
    if method == "post":
        assert response.status_code == 405
    elif tail != "practices/":
        # Found: the ids of live, public practices, however written ("007"); an id that is
        # no whole number from 1 to 2**31-1 is refused (422) or not found; everything else
        # is a JSON 404.
        asked = re.fullmatch(r"practices/([0-9]+)/", tail)
        found = any(asked and names_id(asked[1], pk) for pk in data["public_ids"])
        if found:
            assert response.status_code == 200
        elif re.fullmatch(r"practices/[^/]+/", tail):
            # pydantic reads "+5" as 5, so a signed id may find its practice too.
            assert response.status_code in (200, 404, 422)
        else:
            assert response.status_code == 404


@FUZZ
@given(
    which=st.sampled_from(["index", "ics", "feed", 0, 1, 2, 3]),
    suffix=st.sampled_from(["", "ics/"]),
    params=query(["kind", "project", "country", "year", "page"], ["study-visit", "near", "IT"]),
)
def test_events_listing_calendar_feed_and_pages(data, which, suffix, params):
    events = data["events"]
    if which == "index":
        path = events.url
    elif which in ("ics", "feed"):
        path = events.url + which + "/"
    else:
        path = data["event_pages"][which].url + suffix
    response = fetch(path, params)
    assert response.status_code == 200
    if path.endswith("ics/"):
        assert response["Content-Type"].startswith("text/calendar")
        assert response.content.startswith(b"BEGIN:VCALENDAR")
    elif which == "feed":
        assert response["Content-Type"].startswith("application/atom+xml")


@FUZZ
@given(
    kind=st.sampled_from(["projects", "regions"]),
    slug=st.one_of(st.sampled_from(["near", "pact", "lombardia", "valencia"]), TEXT),
    params=query(["page"]),
)
def test_project_and_region_pages(data, kind, slug, params):
    response = fetch(f"/{kind}/{segment(slug)}/", params)
    known = {"projects": {"near", "pact"}, "regions": {"lombardia", "valencia"}}[kind]
    assert response.status_code == (200 if slug in known else 404)


@FUZZ
@given(path=st.lists(TEXT, min_size=1, max_size=3), params=query(["page", "q"]))
def test_any_address_is_a_page_or_not_found(data, path, params):
    response = fetch("/" + "/".join(segment(part) for part in path) + "/", params)
    assert response.status_code in (200, 301, 302, 404)


# -- the language switch ---------------------------------------------------------------------

OFF_SITE = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "\x00//evil.example",
    "/%2F/evil.example",
    "//testserver@evil.example/",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
    "data:text/html,hi",
    "/practices/",
    "/search/?q=care&country=IT",
    "",
]
LANGUAGE_CODES = [code for code, _name in django_settings.LANGUAGES]


def assert_same_site(location):
    """Where a browser goes with this Location header (WHATWG URL parsing: tabs and newlines
    removed, leading and trailing spaces and control characters stripped, backslashes read as
    slashes) is this site."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08"
        "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
        "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
        "\x1e\x1f "
    )
    target = urlsplit(urljoin("http://testserver/i18n/", cleaned.replace("\\", "/")))
    assert target.scheme == "http" and target.netloc == "testserver", location


@FUZZ
@given(
    code=st.one_of(st.sampled_from(LANGUAGE_CODES), TEXT),
    params=query(["q", "page", "country"]),
)
def test_language_prefixes_never_fail(data, code, params):
    """The language is the address's prefix (docs/languages.md): a known one serves the page
    in that language, anything else is no such address (or the unprefixed English page)."""
    response = fetch(f"/{segment(code)}/search/", params)
    if code in LANGUAGE_CODES and code != django_settings.LANGUAGE_CODE:
        assert response.status_code != 404
        if response.status_code == 200:
            assert f'<html lang="{code}">' in response.content.decode()
    elif response.status_code == 200:  # "//search/", "/./search/": the English page
        assert '<html lang="en">' in response.content.decode()
    else:
        assert response.status_code == 404


# -- contact reveal (POST) -------------------------------------------------------------------


@FUZZ
@given(
    which=st.one_of(st.sampled_from(["PUBLIC", "HIDDEN"]), NUMBER.map(segment)),
    form=query(["csrfmiddlewaretoken", "contact", "email"]),
)
def test_contact_reveal_post(data, which, form):
    practice = data["with_contacts"]
    contact_id = {"PUBLIC": data["public_contact"].pk, "HIDDEN": data["hidden_contact"].pk}
    path = practice.url + f"contact/{contact_id.get(which, which)}/"
    response = fetch(path, form, method="post")
    body = response.content.decode()
    assert "hidden@example.org" not in body
    asked = str(contact_id.get(which, which))
    if names_id(asked, data["public_contact"].pk):
        assert response.status_code == 200 and "rita@example.org" in body
    elif response.status_code == 200:  # "//search/", "/./search/": the English page
        assert '<html lang="en">' in response.content.decode()
    else:
        assert response.status_code == 404 and "rita@example.org" not in body


# -- password forms anyone can reach ---------------------------------------------------------


@FUZZ
@given(
    password=values("secret", ""),
    return_url=st.one_of(st.sampled_from(OFF_SITE), TEXT),
    ids=st.one_of(st.none(), st.tuples(NUMBER, NUMBER).map(lambda t: "/".join(map(segment, t)))),
)
def test_page_and_document_password_forms(data, password, return_url, ids):
    """Wagtail's forms for a password-restricted page or document collection: a wrong
    password shows the form again, the right one goes back, and never to another site."""
    private = data["private"]
    restriction = PageViewRestriction.objects.get(page=private)
    path = f"/_util/authenticate_with_password/{ids or f'{restriction.pk}/{private.pk}'}/"
    document_path = "/documents/authenticate_with_password/{}/".format(
        segment(ids.split("/")[0]) if ids else data["document_restriction"].pk
    )
    form = {"password": password, "return_url": return_url}
    response = fetch(document_path, form, method="post")
    assert response.status_code in (200, 302, 404)
    if response.status_code == 302:
        assert last(password) == "secret"
        assert_same_site(response["Location"])
    response = fetch(path, {"password": password, "return_url": return_url}, method="post")
    assert response.status_code in (200, 302, 404)
    if response.status_code == 302:
        assert last(password) == "secret"
        assert_same_site(response["Location"])


@FUZZ
@given(form=query(["username", "password", "next"], ["editor", "password", *OFF_SITE]))
def test_admin_sign_in_and_password_reset_forms(data, form):
    with rolled_back():
        response = fetch("/admin/login/", form, method="post")
        # The form again (200), signed in (302) or paused after failures (429).
        assert response.status_code in (200, 302, 429)
        if response.status_code == 302:
            assert_same_site(response["Location"])
        response = fetch(
            "/admin/password_reset/", {"email": form.get("username", "")}, method="post"
        )
        assert response.status_code in (200, 302, 429)


@FUZZ
@given(document=NUMBER, filename=TEXT)
def test_document_addresses(data, document, filename):
    response = fetch(f"/documents/{segment(document)}/{segment(filename or 'x')}")
    assert response.status_code in (301, 302, 404)


# -- the worksheet (participants' personal links) --------------------------------------------

TEXT_QUESTIONS = ["your_role", "recommendation"]
CHOICES = {
    "transferability": ["1", "2", "3", "4", "5"],
    "best_session": ["Visit", "Debate"],
    "would_you_transfer_it": ["yes", "no"],
}
MULTI = {"topics": ["Housing", "Work", "Health"]}
QUESTION_NAMES = {*TEXT_QUESTIONS, *CHOICES, *MULTI, "practices_to_look_at"}


def answers():
    """A worksheet POST: complete, half or no answers, then up to three questions (or the
    action) answered with junk, a valid value or repeated values, and some left out; so that
    both valid and refused submissions are common."""
    fields = {
        **{name: values("Case manager", "x" * 300, "  ") for name in TEXT_QUESTIONS},
        **{name: values(*choices) for name, choices in CHOICES.items()},
        **{name: values(*choices) for name, choices in MULTI.items()},
        "practices_to_look_at": values("HOME", "DRAFT", "PRIVATE"),
        "action": values("submit", "draft"),
    }
    changed = st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: fields[name] for name in names})
    )
    return st.builds(
        lambda base, action, dropped, changed: {
            **{k: v for k, v in {**base, **action}.items() if k not in dropped},
            **changed,
        },
        st.sampled_from([COMPLETE, {"recommendation": "Half a thought"}, {}]),
        st.sampled_from([{"action": "submit"}, {"action": "draft"}, {}]),
        st.sets(st.sampled_from(sorted(fields)), max_size=2),
        changed,
    )


def stored(worksheet):
    return list(
        WorksheetSubmission.objects.filter(page=worksheet)
        .order_by("pk")
        .values("pk", "invitation_id", "status", "form_data", "submitted_at")
    )


def last(value):
    """The value a single-valued field reads from a repeated parameter (QueryDict.get)."""
    return value[-1] if isinstance(value, list) else value


def as_list(value):
    return value if isinstance(value, list) else [value]


def with_ids(form, data):
    named = {"HOME": data["home"].pk, "DRAFT": data["draft"].pk, "PRIVATE": data["private"].pk}
    if "practices_to_look_at" in form:
        form["practices_to_look_at"] = [
            str(named.get(v, v)) for v in as_list(form["practices_to_look_at"])
        ]
    return form


def assert_typed_values_shown(html, form):
    """Everything typed is in the re-rendered form: text as typed, valid choices ticked."""
    for name in TEXT_QUESTIONS:
        if name in form:
            assert escape(last(form[name])) in html, name
    for name, choices in CHOICES.items():
        if name in form and last(form[name]) in choices:
            assert checked(html, name, last(form[name])), name
    for name, choices in MULTI.items():
        for value in as_list(form.get(name, [])):
            if value in choices and all(v in choices for v in as_list(form[name])):
                assert checked(html, name, value), name


def checked(html, name, value):
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{escape(value)}"' in tag and "checked" in tag:
            return True
    return False


def assert_complete(row, form, *, submitted):
    """A saved row holds the whole form: every question, as typed (text stripped)."""
    assert set(row["form_data"]) == QUESTION_NAMES
    for name in TEXT_QUESTIONS:
        assert row["form_data"][name] == last(form.get(name, "")).strip()
    for name in CHOICES:
        expected = last(form.get(name, ""))
        if name == "transferability":
            expected = int(expected) if expected else None
        assert row["form_data"][name] == expected
    for name in MULTI:
        assert row["form_data"][name] == as_list(form.get(name, []))
    practices = {int(pk) for pk in as_list(form.get("practices_to_look_at", [])) if pk}
    assert set(row["form_data"]["practices_to_look_at"]) == practices
    assert row["status"] == (SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT)


@hypothesis_settings(FUZZ, max_examples=100)  # most examples are refused; more find saves
@given(form=answers(), before=st.sampled_from(["nothing", "draft", "submitted"]))
def test_worksheet_post_saves_all_or_nothing_and_keeps_what_was_typed(data, form, before):
    worksheet, invitation = data["worksheet"], data["invitation"]
    form = with_ids(form, data)
    url = worksheet.url + f"t/{invitation.token}/"
    with rolled_back():
        if before != "nothing":
            answer(worksheet, invitation, COMPLETE, submit=before == "submitted")
        rows = stored(worksheet)
        response = fetch(url, form, method="post")
        after = stored(worksheet)
        saved = response.status_code == 302 or "form_submission" in response.context
        event("saved" if saved else "refused")
        if saved:
            (row,) = after
            submitted = before == "submitted" or last(form.get("action", "")) != "draft"
            assert_complete(row, form, submitted=submitted)
            assert response.status_code == (200 if submitted else 302)
        else:
            assert after == rows  # nothing half-saved
            assert response.status_code == 200
            html = html_of(response)
            assert "Everything you typed is still here" in html
            assert response.context["form"].errors
            assert_typed_values_shown(html, form)


@FUZZ
@given(
    token=st.one_of(st.sampled_from(["REVOKED", "", "t", "a" * 43, "a" * 5000]), TEXT),
    form=answers(),
)
def test_worksheet_links_that_do_not_work_save_nothing_and_show_the_answers(data, token, form):
    worksheet = data["worksheet"]
    token = data["revoked"].token if token == "REVOKED" else token
    form = with_ids(form, data)
    url = worksheet.url + f"t/{segment(token)}/"
    with rolled_back():
        rows = stored(worksheet)
        response = fetch(url)
        assert response.status_code in (403, 404)
        response = fetch(url, form, method="post")
        assert response.status_code in (403, 404)
        assert stored(worksheet) == rows
        # Answers typed into a form the portal showed come back. (Wagtail serves only path
        # segments of word characters and hyphens, as every real token is: a form was never
        # shown at any other address.)
        if re.fullmatch(r"[\w-]+", token):
            for name in TEXT_QUESTIONS:
                if name in form:
                    assert escape(last(form[name])) in html_of(response)


@FUZZ
@given(form=answers())
def test_anonymous_worksheet_post_saves_nothing(data, form):
    worksheet = data["worksheet"]
    form = with_ids(form, data)
    with rolled_back():
        rows = stored(worksheet)
        response = fetch(worksheet.url, form, method="post")
        assert response.status_code == 403
        assert stored(worksheet) == rows
        for name in TEXT_QUESTIONS:
            if name in form:
                assert escape(last(form[name])) in html_of(response)


# -- the invitation form (organisers) ----------------------------------------------------------


@FUZZ
@given(
    form=st.fixed_dictionaries(
        {"action": values("invite", "revoke", "renew", "send")},
        optional={
            "name": values("Mira"),
            "email": values("mira@example.org", "aino@example.org", "not an email"),
            "organisation": values("ORG"),
            "region": values("REGION"),
            "account": values("nobody"),
            "invitation": values("INVITATION"),
        },
    )
)
def test_invitation_form_saves_all_or_nothing_and_keeps_what_was_typed(data, form):
    worksheet, invitation = data["worksheet"], data["invitation"]
    named = {
        "ORG": invitation.organisation_id,
        "REGION": data["region"].pk,
        "INVITATION": invitation.pk,
    }
    form = {k: [str(named.get(v, v)) for v in as_list(value)] for k, value in form.items()}
    client = Client()
    client.force_login(data["organiser"])
    url = worksheet.url + "participants/"
    with rolled_back():
        before = set(Invitation.objects.values_list("pk", flat=True))
        response = fetch(url, form, method="post", client=client)
        added = Invitation.objects.exclude(pk__in=before)
        action = last(form["action"])
        if action == "invite" and response.status_code == 302:
            (new,) = added
            assert new.name == last(form["name"]).strip()
            assert new.email == last(form.get("email", [""])).strip()
            assert new.event_id == invitation.event_id
        else:
            assert not added.exists()  # nothing half-saved
            assert response.status_code in (200, 302, 404)
            if action == "invite":
                html = html_of(response)
                for name in ("name", "email", "account"):
                    if name in form:
                        assert escape(last(form[name])) in html, name
