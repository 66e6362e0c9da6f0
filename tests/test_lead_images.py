"""Lead images of practices, events and projects: modern formats in several widths, the
alternative text required, the credit line shown; the demo's generated illustrations."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from portal import demo_images
from portal.demo import DemoDataError
from tests.factories import CooperationProjectFactory, make_practice
from tests.factories_events import make_masterclass

pytestmark = pytest.mark.django_db


def _image(title="Picture"):
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(demo_images.illustration(title, (900, 500))), name="p.png")
    image.save()
    return image


def test_practice_page_shows_its_lead_image_in_modern_formats_with_credit(client, practice_index):
    page = make_practice(
        practice_index,
        lead_image=_image(),
        lead_image_alt="Two care workers visit an older man",
        lead_image_credit="Photo: A. Rossi, CC BY 4.0",
    )
    html = client.get(page.url).content.decode()
    figure = html[html.index('<figure class="lead-image">') :]
    figure = figure[: figure.index("</figure>")]
    assert 'type="image/avif"' in figure and 'type="image/webp"' in figure
    # 480 and 800 wide, and the original's 900 for the 1200 asked (never enlarged).
    assert " 480w" in figure and " 800w" in figure and 'sizes="' in figure
    assert 'alt="Two care workers visit an older man"' in figure
    assert "Photo: A. Rossi, CC BY 4.0" in figure


def test_no_lead_image_no_figure(client, practice_index):
    page = make_practice(practice_index)
    assert 'class="lead-image"' not in client.get(page.url).content.decode()


def test_an_image_needs_its_alternative_text(practice_index):
    project = CooperationProjectFactory(lead_image=_image())
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert "lead_image_alt" in caught.value.message_dict
    project.lead_image_alt = "The partners at the kick-off meeting"
    project.full_clean()


def test_event_and_project_pages_show_theirs(client, practice_index):
    image = _image()
    event = make_masterclass(lead_image=image, lead_image_alt="A masterclass in session")
    project = CooperationProjectFactory(lead_image=image, lead_image_alt="The partners")
    assert 'alt="A masterclass in session"' in client.get(event.url).content.decode()
    assert 'alt="The partners"' in client.get(project.get_absolute_url()).content.decode()


def test_demo_illustrations_are_given_once(tmp_path, monkeypatch, practice_index):
    page = make_practice(practice_index, slug="help-at-home")
    CooperationProjectFactory(slug="near")
    listing = tmp_path / "illustrations.yaml"
    listing.write_text(
        "practices.practicepage: [help-at-home]\nportal.cooperationproject: [near]\n"
    )
    monkeypatch.setattr(demo_images, "ILLUSTRATIONS", listing)
    assert demo_images.load_illustrations() == 2
    assert demo_images.load_illustrations() == 0
    page.refresh_from_db()
    assert page.lead_image and page.lead_image_alt and page.lead_image_credit
    assert page.get_latest_revision().as_object().lead_image_id == page.lead_image_id
    listing.write_text("practices.practicepage: [nowhere]\n")
    with pytest.raises(DemoDataError, match="illustrations.yaml: no practices.practicepage"):
        demo_images.load_illustrations()
