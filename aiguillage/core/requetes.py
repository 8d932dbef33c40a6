"""What the pages read from a request's address the same way: the page number of a list, an
identifier given in the query string."""

from __future__ import annotations

import uuid

from django.http import Http404

__all__ = ["page_demandee", "uuid_ou_404"]


def page_demandee(request) -> int:
    """``?page=N`` (1 when absent, unreadable or below 1)."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def uuid_ou_404(value: str) -> uuid.UUID:
    """A public identifier from the address; a malformed one is a page that does not exist."""
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404("Identifiant invalide.") from exc
