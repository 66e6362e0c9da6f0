"""The portal's public address (``settings.PORTAL_BASE_URL``) and the absolute URLs built on it.

Every absolute URL the portal writes (emails, participants' invitation links, the CSV "Web
address" column, the API, iCalendar files, the Atom feed) comes from here, never from the
request's Host header or the Wagtail Site's ``root_url`` (which knows no https:// on a port
other than 443), so it is the same behind any proxy.
"""

from urllib.parse import urlsplit

from django.conf import settings


def base_url():
    """``https://practices.example.eu``: scheme, host and port, no trailing slash."""
    return settings.PORTAL_BASE_URL.rstrip("/")


def absolute_url(path):
    """The public address of a path on this portal (``/practices/x/`` → ``https://…/practices/x/``)."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url() takes a path starting with '/', not {path!r}")
    return base_url() + path


def page_url(page, request=None):
    """The public address of a Wagtail page, or None when the page is not routable."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    _site_id, _root_url, page_path = parts
    return absolute_url(page_path)


def page_urls():
    """A function giving the public address of a page from its ``url_path``, what
    ``page_url`` gives for it, with the site root paths read once and Wagtail's page route
    reversed once per language: for downloads of thousands of pages."""
    from django.urls import reverse
    from django.utils import translation
    from wagtail.models import Site

    roots = Site.get_site_root_paths()
    marker = "987654321/"
    templates = {}
    known = {}  # a record's address is asked twice (its url and its original_url)

    def url(url_path):
        if url_path in known:
            return known[url_path]
        known[url_path] = found = _url(url_path)
        return found

    def _url(url_path):
        for root in roots:
            if url_path.startswith(root.root_path):
                break
        else:
            return None
        language = root.language_code
        if language not in templates:
            with translation.override(language):
                templates[language] = reverse("wagtail_serve", args=(marker,))
        return absolute_url(templates[language].replace(marker, url_path[len(root.root_path) :]))

    return url


def host():
    """The public host name (``practices.example.eu``), e.g. for iCalendar UIDs."""
    return urlsplit(base_url()).hostname


def site_address():
    """(hostname, port) of the public address, as the Wagtail Site stores them."""
    parts = urlsplit(base_url())
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def sync_default_site(site_model=None, using="default"):
    """Give the default Wagtail Site the public address's host and port. Idempotent; returns
    True when it changed something (nothing to do before the first site exists)."""
    if site_model is None:
        from wagtail.models import Site as site_model
    hostname, port = site_address()
    site = site_model.objects.using(using).filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(using=using, update_fields=["hostname", "port"])
    return True
