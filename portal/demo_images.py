"""Generated lead illustrations for the demo content (``fixtures/pages/illustrations.yaml``).

The demo has no photos it may publish, so a few records get an abstract illustration drawn
here with Pillow in the portal's colours: a stable picture per record (seeded by its slug),
made once, with an honest alternative text and credit line. Records not listed get none.
"""

import hashlib
import io
import random

import yaml
from django.apps import apps
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page

from .demo import FIXTURES_DIR, DemoDataError
from .models import LeadImageMixin

ILLUSTRATIONS = FIXTURES_DIR / "pages" / "illustrations.yaml"
PALETTE = ["#0a2c52", "#0b57a4", "#0f766e", "#ffbf47", "#e7eef8", "#e3f3ef", "#c2410c"]
SIZE = (1200, 675)
ALT = "Abstract illustration: overlapping circles and bands in blue, teal and yellow"
CREDIT = "Illustration: generated for the demo portal, CC0"


def illustration(seed, size=SIZE):
    """PNG bytes of an abstract picture: bands and circles, the same for the same seed."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    width, height = size
    picture = PILImage.new("RGB", size, PALETTE[4])
    draw = ImageDraw.Draw(picture, "RGBA")
    for n in range(5):
        colour = PALETTE[rng.choice([1, 2, 5])]
        top = rng.randint(-height // 4, height)
        draw.polygon(
            [(0, top), (width, top - rng.randint(50, 300)), (width, height), (0, height)],
            fill=_rgba(colour, 60 + n * 25),
        )
    for _n in range(rng.randint(5, 9)):
        radius = rng.randint(height // 12, height // 3)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = PALETTE[rng.choice([0, 1, 2, 3, 3, 6])]
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=_rgba(colour, 200))
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _rgba(hex_colour, alpha):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)) + (alpha,)


def _models():
    """{"app_label.model": model} of the models with a lead image."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if issubclass(model, LeadImageMixin)
    }


def load_illustrations():
    """Give each listed record its illustration unless it has a lead image already; returns
    the number given. Pages get a published revision, as an editor's change would."""
    try:
        wanted = yaml.safe_load(ILLUSTRATIONS.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{ILLUSTRATIONS}: {exc}") from exc
    models = _models()
    Image = get_image_model()
    given = 0
    for label, slugs in wanted.items():
        if label not in models:
            raise DemoDataError(
                f"{ILLUSTRATIONS}: '{label}' has no lead image ({', '.join(models)})"
            )
        for slug in slugs:
            records = models[label].objects
            if hasattr(records, "originals"):  # a translatable record: not a translation
                records = records.originals()
            record = records.filter(slug=slug).first()
            if record is None:
                raise DemoDataError(f"{ILLUSTRATIONS}: no {label} with the slug '{slug}'")
            if isinstance(record, Page):
                record = record.specific
            if record.lead_image_id:
                continue
            title = f"Illustration: {slug}"
            image = Image.objects.filter(title=title).first()
            if image is None:
                image = Image(title=title, description=ALT)
                image.file = ImageFile(io.BytesIO(illustration(slug)), name=f"{slug}.png")
                image.save()
            record.lead_image = image
            record.lead_image_alt = ALT
            record.lead_image_credit = CREDIT
            if isinstance(record, Page):
                record.save_revision().publish()
            else:
                record.save()
            given += 1
    return given
