from django.conf import settings
from django.core.paginator import Paginator

from .parsing import clamp_int


def paginate(request, queryset, per_page=None, param="page"):
    """A page of results that never fails on a bad page number: junk gives the first page,
    a number past the end gives the last."""
    paginator = Paginator(queryset, per_page or settings.PORTAL_PAGE_SIZE)
    return paginator.page(clamp_int(request.GET.get(param), 1, 1, paginator.num_pages))
