from django.conf import settings
from django.core.paginator import Paginator

from .parsing import clamp_int


def paginate(request, queryset, per_page=None, param="page"):
    """A page of results that never fails on a bad page number: junk gives the first page,
    a number past the end gives the last."""
    paginator = Paginator(queryset, per_page or settings.PORTAL_PAGE_SIZE)
    return paginator.page(clamp_int(request.GET.get(param), 1, 1, paginator.num_pages))


class SeekPaginator(Paginator):
    """Page numbers for long listings, read the cheap way. The queryset must be ordered by
    keys that end with the primary key (a total order, so no row is on two pages or none,
    even when the other keys tie) and served by an index in that order:

    - a page's ids are read alone (an index walk and the filters), then its rows with
      whatever ``select_related``/``prefetch_related`` the queryset asks for;
    - a page past the middle is read from the other end, in reverse order, so the last page
      costs what the first one does; the walk is never longer than half the listing.

    Links stay plain page numbers (shareable, cacheable); a cursor ("after this row") would
    make any page cheap but only for visitors who walk there page by page."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ordered = self.object_list
        keys = ordered.prefetch_related(None).values_list("pk", flat=True)
        if bottom > self.count - top:
            ids = list(keys.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            ids = list(keys[bottom:top])
        rows = {row.pk: row for row in ordered.order_by().filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def seek_paginate(request, queryset, per_page=None, param="page"):
    """``paginate`` for long listings ordered by a total order (see SeekPaginator)."""
    paginator = SeekPaginator(queryset, per_page or settings.PORTAL_PAGE_SIZE)
    return paginator.page(clamp_int(request.GET.get(param), 1, 1, paginator.num_pages))
