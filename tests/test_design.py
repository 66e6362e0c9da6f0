"""The design system: the pattern page, the colour tokens' contrast, the home page's browsing
lists."""

import pytest

from portal.design import AA_TEXT, BACKGROUNDS, TEXT_TOKENS, colour_tokens, contrast
from tests.factories import CountryFactory, TargetGroupFactory, UserFactory, make_practice


def test_text_colours_meet_aa_on_every_background():
    tokens = colour_tokens()
    assert set(TEXT_TOKENS) <= set(tokens), "a text token is missing from portal.css"
    for name in TEXT_TOKENS:
        for background in BACKGROUNDS:
            ratio = contrast(tokens[name], tokens[background])
            assert ratio >= AA_TEXT, (name, background, round(ratio, 2))
    assert contrast("#ffffff", tokens["brand"]) >= AA_TEXT


def test_contrast_of_known_pairs():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.django_db
def test_pattern_page_for_staff_only_outside_development(client, home, settings):
    assert client.get("/patterns/").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/patterns/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "--accent" in html and 'role="checkbox"' in html and "no-store" in response["Cache-Control"]
    )


@pytest.mark.django_db
def test_pattern_page_in_development(client, home, settings):
    settings.DEBUG = True
    assert client.get("/patterns/").status_code == 200


@pytest.mark.django_db
def test_home_page_browses_by_country_theme_and_target_group(
    client, practice_index, django_assert_max_num_queries
):
    spain = CountryFactory(code="ES", name="Spain")
    italy = CountryFactory(code="IT", name="Italy")
    elderly = TargetGroupFactory(name="Older people", slug="older-people")
    for n, country in enumerate([spain, spain, italy]):
        make_practice(
            practice_index,
            title=f"P{n}",
            country=country,
            target_groups=[elderly],
            themes=["home care"],
        )
    make_practice(practice_index, title="Draft", country=italy, publish=False)
    # 32: the map of practices by country (portal/maps.py, `{% europe_map "practice" %}`) asks
    # the search for its country facet, and this first request after the practices were
    # indexed reloads the search's facet bitmaps once, and the footer's legal links (the
    # view restrictions, then the pages). A fixed cost: 26 warm, with 3 or 18 practices alike.
    with django_assert_max_num_queries(32):
        html = client.get("/").content.decode()
    assert '<span>Spain</span> <strong class="count">2</strong>' in html
    assert '<span>Italy</span> <strong class="count">1</strong>' in html
    assert "/search/?type=practice&amp;country=ES" in html
    assert "/search/?type=practice&amp;target_group=older-people" in html
    assert '<span>home care</span> <strong class="count">3</strong>' in html
