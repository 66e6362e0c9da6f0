from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def paginate(request, queryset, per_page=None, param="page"):
    """A page of results that never fails on a bad page number: junk gives the first page,
    a number past the end gives the last."""
    paginator = Paginator(queryset, per_page or settings.PORTAL_PAGE_SIZE)
    number = request.GET.get(param, 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(
            paginator.num_pages if str(number).lstrip("-").isdigit() and int(number) > 1 else 1
        )
