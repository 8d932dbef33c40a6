"""Public territory pages: commune lookup (htmx live search)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from aiguillage.territories.search import commune_search


@login_not_required
def commune_search_page(request):
    query = request.GET.get("q", "").strip()
    results = commune_search(query) if query else []
    template = (
        "territories/_commune_results.html" if request.htmx else "territories/commune_search.html"
    )
    return render(request, template, {"query": query, "results": results})
