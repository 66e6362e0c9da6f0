from django.template.response import TemplateResponse


def search(request):
    """Placeholder until the faceted search lands: the header links here."""
    return TemplateResponse(request, "search/search.html", {"query": request.GET.get("q", "")})
