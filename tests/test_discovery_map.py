"""The map of Europe on /practices/ and /regions/ (portal/maps.py): one link per country
holding practices, its count the search's, regions where their NUTS code is known."""

import re
from html import unescape

import pytest

from portal.maps import choropleth, class_of, classes, outlines
from portal.models import Region

AREA = re.compile(
    r'<a href="(?P<url>[^"]+)" aria-label="[^"]*" data-(?P<kind>country|region)="(?P<code>[^"]+)" '
    r'data-count="(?P<count>\d+)">'
)


def areas(html, kind):
    return {
        m["code"]: (unescape(m["url"]), int(m["count"]))
        for m in AREA.finditer(html)
        if m["kind"] == kind
    }


def result_count(client, url):
    html = client.get(url).content.decode()
    found = re.search(r'data-total="(\d+)"', html) or re.search(r"(\d+) results?", html)
    assert found, url
    return int(found.group(1))


def test_every_country_holding_practices_links_to_its_results(client, corpus):
    response = client.get("/practices/")
    assert response.status_code == 200
    html = response.content.decode()
    countries = areas(html, "country")
    assert {code: count for code, (_url, count) in countries.items()} == {
        "BG": 1,
        "DK": 1,
        "IT": 2,
        "ES": 1,
    }
    for code, (url, count) in countries.items():
        assert url == f"/search/?type=practice&country={code}"
        assert result_count(client, url) == count
    # A country without practices is drawn, but is no link.
    assert 'data-country="FR"' not in html and "<svg" in html
    # The figures as a table too, and the attribution the boundary data asks for.
    assert re.search(r"<th scope=\"row\">Italy</th><td>2</td>", html)
    assert "EuroGeographics" in html


def test_a_private_or_draft_practice_is_not_counted(client, corpus):
    from tests.factories import make_practice

    it = corpus["caretaker"].country
    make_practice(title="Draft in Italy", country=it, publish=False)
    html = client.get("/practices/").content.decode()
    assert areas(html, "country")["IT"][1] == 2


def test_regions_with_a_nuts_code_are_drawn_and_link_to_their_results(client, corpus):
    Region.objects.filter(slug="lombardia").update(nuts_code="ITC4")
    Region.objects.filter(slug="valencia").update(nuts_code="ES52")
    html = client.get("/regions/").content.decode()
    regions = areas(html, "region")
    assert set(regions) == {"ITC4", "ES52"}  # Emilia-Romagna and Midtjylland have no code
    url, count = regions["ITC4"]
    assert url == "/search/?type=practice&region=lombardia" and count == 1
    assert result_count(client, url) == 1
    assert set(areas(html, "country")) == {"BG", "DK", "IT", "ES"}


def test_the_map_costs_a_fixed_number_of_queries(client, corpus, django_assert_max_num_queries):
    from tests.factories import CountryFactory, RegionFactory, make_practice

    client.get("/regions/")  # the search engine reads its index state once per change
    with django_assert_max_num_queries(12) as few:
        client.get("/regions/")
    cost = len(few)  # read now: each request empties the query log
    fr = CountryFactory(code="FR", name="France")
    for n, code in enumerate(["FR1", "FRB", "FRC", "FRD"]):
        region = RegionFactory(name=f"Region {code}", country=fr, nuts_code=code)
        make_practice(title=f"French practice {n}", country=fr, regions=[region])
    client.get("/regions/")
    with django_assert_max_num_queries(cost):
        html = client.get("/regions/").content.decode()
    assert areas(html, "country")["FR"][1] == 4
    assert len(areas(html, "region")) == 4


def test_classes_spread_counts_over_the_palette():
    assert classes([0, 1, 1, 2]) == [1, 2]
    assert [class_of(n, [1, 2]) for n in (0, 1, 2)] == ["map-0", "map-4", "map-5"]
    bounds = classes(list(range(1, 101)))
    assert len(bounds) == 5 and bounds[-1] == 100
    assert class_of(100, bounds) == "map-5" and class_of(1, bounds) == "map-1"


def test_a_country_without_outline_is_still_in_the_table():
    result = choropleth("Test", {"XK": ("Kosovo", 3), "ES": ("Spain", 1)}, country_url=str)
    assert [a.code for a in result.rows] == ["XK", "ES"]
    assert "ES" in outlines()["countries"] and "GR" in outlines()["countries"]
    assert "GB" in outlines()["countries"] and "UKD3" in outlines()["regions"]


@pytest.mark.parametrize("path", ["/practices/", "/regions/"])
def test_the_map_pages_stay_public_and_cacheable(client, corpus, path):
    response = client.get(path)
    assert response["Cache-Control"].startswith("public")
    assert not response.cookies
