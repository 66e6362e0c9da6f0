"""Discovery through HTTP: sitemap, robots.txt, OpenGraph and JSON-LD, Atom feeds of new
practices, and a practice as PDF (docs/discovery.md)."""

import io
import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from wagtail.models import PageViewRestriction

from portal.metadata import json_ld
from portal.models import CooperationProject
from tests.factories import make_practice
from tests.factories_events import make_study_visit
from tests.factories_search import theme

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://localhost"


def xml(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/")
    return ET.fromstring(response.content)  # noqa: S314 - the portal's own output


def sitemap_locations(client):
    index = xml(client.get("/sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    found = {}
    for sitemap in index.iter(f"{SITEMAP}sitemap"):
        address = sitemap.find(f"{SITEMAP}loc").text
        assert address.startswith(BASE + "/sitemap-")
        urlset = xml(client.get(address.removeprefix(BASE)))
        for url in urlset.iter(f"{SITEMAP}url"):
            lastmod = url.find(f"{SITEMAP}lastmod")
            found[url.find(f"{SITEMAP}loc").text] = lastmod.text if lastmod is not None else None
    return found


def test_the_sitemap_lists_every_public_page_and_nothing_private(client, corpus):
    draft = make_practice(title="Draft practice", publish=False)
    restricted = make_practice(title="Members only")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    event = make_study_visit(title="Visit to Milan")
    found = sitemap_locations(client)
    for practice in corpus.values():
        assert found[BASE + practice.url] is not None  # with its lastmod
    assert BASE + "/practices/" in found and BASE + "/" in found
    assert BASE + event.url in found
    assert f"{BASE}/regions/lombardia/" in found
    project = CooperationProject.objects.get(slug="near")
    assert found[BASE + project.get_absolute_url()] is not None  # lastmod of its practices
    assert BASE + draft.url not in found and BASE + restricted.url not in found
    assert not [url for url in found if "/admin" in url]


def test_the_sitemap_refuses_what_it_does_not_have(client, corpus):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-pages.xml?p=99").status_code == 404
    assert client.get("/sitemap-pages.xml?p=junk").status_code == 200  # the first page


def test_the_sitemap_pages_are_cheap_and_public(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        client.get("/sitemap-pages.xml")
    cost = len(few)  # read now: each request empties the query log
    for n in range(3):
        make_practice(title=f"More {n}")
    with django_assert_max_num_queries(cost):
        response = client.get("/sitemap-pages.xml")
    assert response["Cache-Control"].startswith("public") and not response.cookies


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /admin/" in text.splitlines()
    assert response["Cache-Control"].startswith("public")


def canonical(html):
    found = re.findall(r'<link rel="canonical" href="([^"]*)">', html)
    assert len(found) == 1
    return unescape(found[0])


def test_robots_txt_lets_crawlers_into_search_and_compare_but_not_the_downloads(client, db):
    rules = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /practices/download/" in rules
    assert "Disallow: /de/practices/download/" in rules
    assert not [rule for rule in rules if "search" in rule or "compare" in rule]


def test_search_and_compare_name_their_canonical_address_without_facets_or_page(client, corpus):
    html = client.get("/search/", {"q": "older people", "country": "IT", "page": "2"})
    assert canonical(html.content.decode()) == BASE + "/search/?q=older+people"
    assert canonical(client.get("/de/search/", {"country": "IT"}).content.decode()) == (
        BASE + "/de/search/"
    )
    ids = [corpus["caretaker"].pk, corpus["home"].pk]
    html = client.get("/practices/compare/", {"p": ids, "sort": "x"}).content.decode()
    assert canonical(html) == BASE + f"/practices/compare/?p={ids[0]}&p={ids[1]}"
    # A page names itself, in the language of its address.
    practice = corpus["caretaker"]
    assert canonical(client.get(practice.url).content.decode()) == BASE + practice.url
    assert canonical(client.get("/it" + practice.url).content.decode()) == (
        BASE + "/it" + practice.url
    )


def test_the_worksheet_is_indexable_as_anonymous_visitors_see_it_never_a_personal_link(client, db):
    from tests.factories_reviews import make_invitation, make_worksheet

    worksheet = make_worksheet()
    public = client.get(worksheet.url)
    assert public.status_code == 200
    assert "X-Robots-Tag" not in public and 'name="robots"' not in public.content.decode()
    invitation = make_invitation(worksheet)
    for address in [worksheet.url + f"t/{invitation.token}/", worksheet.url + "t/not-a-token/"]:
        personal = client.get(address)
        assert personal["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex">' in personal.content.decode()
    # Answers typed while signed out are shown back, never indexed.
    posted = client.post(worksheet.url, {"your_role": "Case manager"})
    assert posted["X-Robots-Tag"] == "noindex, nofollow"


def head_metadata(html):
    og = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)">', html))
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return {k: unescape(v) for k, v in og.items()}, json.loads(scripts[0])


def test_a_practice_page_has_open_graph_and_json_ld(client, corpus):
    practice = corpus["caretaker"]
    og, data = head_metadata(client.get(practice.url).content.decode())
    assert og["og:url"] == BASE + practice.url and og["og:title"] == practice.title
    assert og["og:type"] == "article"
    assert data["@context"] == "https://schema.org" and data["url"] == BASE + practice.url
    assert data["creator"]["name"] == "Comune di Milano"
    assert data["spatialCoverage"][0]["address"]["addressCountry"] == "IT"
    assert data["isPartOf"]["alternateName"] == "NEAR"


def test_json_ld_cannot_close_its_script_element(client, corpus):
    practice = corpus["food"]
    practice.summary = "Breaks </script><script>alert(1)</script> & more"
    practice.save_revision().publish()
    html = client.get(practice.url).content.decode()
    _og, data = head_metadata(html)
    assert data["description"] == practice.summary
    assert "<script>alert(1)" not in html
    assert json_ld({"a": "</script>"}) == '{"a": "\\u003C/script\\u003E"}'


def test_event_and_project_pages_have_their_schema_org_types(client, corpus):
    event = make_study_visit(title="Visit to Milan", venue_city="Milano")
    og, data = head_metadata(client.get(event.url).content.decode())
    assert data["@type"] == "Event" and data["name"] == "Visit to Milan"
    assert data["location"][0]["address"]["addressLocality"] == "Milano"
    assert og["og:url"] == BASE + event.url
    project = CooperationProject.objects.get(slug="near")
    og, data = head_metadata(client.get(project.get_absolute_url()).content.decode())
    assert data["@type"] == "Project" and data["alternateName"] == "NEAR"


def atom_entries(response):
    feed = xml(response)
    assert feed.tag == f"{ATOM}feed"
    assert response["Content-Type"].startswith("application/atom+xml")
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = []
    for entry in feed.iter(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None
        assert entry.find(f"{ATOM}link").get("href").startswith(BASE + "/")
        entries.append(entry.find(f"{ATOM}title").text)
    return entries


ITALY = {"Social caretakers in public housing", "Food bank network"}
EMPLOYMENT = {"Help at Home", "Inclusion of adults with ADHD", "Youth guarantee pathways"}
OLDER_PEOPLE = {"Help at Home", "Social caretakers in public housing"}


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("/practices/feed/country/IT/", ITALY),
        ("/practices/feed/theme/employment/", EMPLOYMENT),
        ("/practices/feed/target-group/older-people/", OLDER_PEOPLE),
    ],
)
def test_feeds_per_facet_hold_the_matching_practices(client, corpus, path, titles):
    assert set(atom_entries(client.get(path))) == titles


def test_the_feed_of_all_practices_lists_public_ones_newest_first(client, corpus):
    make_practice(title="Draft practice", publish=False)
    newest = make_practice(title="Newest practice")
    entries = atom_entries(client.get("/practices/feed/"))
    assert entries[0] == newest.title and len(entries) == 6
    assert client.get("/practices/feed/country/XX/").status_code == 404
    assert client.get("/practices/feed/theme/no-such-theme/").status_code == 404


FEED_LINK = r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"'


def test_the_matching_pages_link_their_feeds(client, corpus):
    def alternates(url):
        html = client.get(url).content.decode()
        return set(re.findall(FEED_LINK, html))

    assert alternates("/practices/") == {"/practices/feed/"}
    assert alternates(corpus["caretaker"].url) == {
        "/practices/feed/",
        "/practices/feed/country/IT/",
        "/practices/feed/theme/housing/",
        "/practices/feed/target-group/older-people/",
    }
    assert "/practices/feed/theme/employment/" in alternates("/search/?theme=employment")
    assert "/practices/feed/country/IT/" in alternates("/regions/lombardia/")
    # A value typed into the address that no feed can name gives no link, and no error.
    assert alternates("/search/?theme=%7B&country=I/T") == {"/practices/feed/"}
    for url in ("/practices/feed/", "/practices/feed/country/IT/"):
        assert atom_entries(client.get(url))


def test_the_feeds_cost_a_fixed_number_of_queries(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(15) as few:
        client.get("/practices/feed/theme/employment/")
    cost = len(few)  # read now: each request empties the query log
    for n in range(3):
        make_practice(title=f"More {n}", themes=[theme("employment")])
    with django_assert_max_num_queries(cost):
        assert len(atom_entries(client.get("/practices/feed/theme/employment/"))) == 6


def test_a_practice_downloads_as_pdf(client, corpus):
    from pypdf import PdfReader

    practice = corpus["caretaker"]
    page = client.get(practice.url).content.decode()
    assert f'href="{practice.url}pdf/"' in page
    response = client.get(practice.url + "pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert practice.title in text and "Comune di Milano" in text
    assert response["Cache-Control"].startswith("public")


def test_no_practice_may_take_the_feeds_address_as_its_slug(db):
    from django.core.exceptions import ValidationError

    practice = make_practice(title="Feeds for the homeless")
    practice.slug = "feed"
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "slug" in error.value.message_dict
