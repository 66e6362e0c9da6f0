"""Template tags for the admin under the Content-Security-Policy (docs/security.md)."""

import json

from django import template

from portal.security import admin_init_script

register = template.Library()


@register.filter
def json_value(text):
    """A JSON string (as Wagtail puts ``options_json`` in a context) back to its value."""
    return json.loads(text)


@register.simple_tag
def admin_init(name, *args, construct=False):
    """The data block portal/js/admin-init.js turns into ``name(*args)`` (``new name(…)``
    with ``construct=True``): what Wagtail writes as an inline script."""
    return admin_init_script(name, args, construct=construct)
