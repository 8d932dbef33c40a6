"""iCalendar downloads: one session (``rencontre_ics``), a structure's feed (``agenda_ics``),
both read through the same gateways as the pages (404 outside them; a login is required), and
the same feed through a structure's secret link (``abonnement_ics``), for calendars that cannot
log in.

The two feeds of a structure are built by ``_agenda`` from the same selector: the logged-in one
keeps what the person downloading it may see, the secret link what the structure's members see
through it (``access.rencontres_for_structure``), without the free texts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from aiguillage.coordination import access, calendrier, selectors, services
from aiguillage.coordination.models import Rencontre
from aiguillage.directory.models import Structure


def _reponse(contenu: bytes, nom_fichier: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _nom_fichier(structure: Structure) -> str:
    return f"agenda-{slugify(structure.nom)[:60] or structure.pk}.ics"


def _agenda(
    request, structure: Structure, visibles: QuerySet[Rencontre], *, texte_libre: bool
) -> bytes:
    items = selectors.rencontres_de_structure(structure_id=structure.pk).filter(
        pk__in=visibles.values("pk")
    )

    def url_de(item) -> str:
        return request.build_absolute_uri(reverse("coordination:rencontre", args=[item.public_id]))

    return calendrier.agenda_ics(
        items, url_de=url_de, nom=f"Rencontres — {structure.nom}", texte_libre=texte_libre
    )


def rencontre_ics(request, public_id):
    item = access.rencontre_get_for_user(user=request.user, public_id=public_id)
    url = request.build_absolute_uri(reverse("coordination:rencontre", args=[item.public_id]))
    jour = timezone.localtime(item.debut).date().isoformat()
    return _reponse(calendrier.rencontre_ics(item, url=url), f"rencontre-{jour}.ics")


def agenda_ics(request, structure_id: int):
    user = request.user
    structure = access.structure_get_for_agenda(user=user, structure_id=structure_id)
    visibles = access.rencontres_for_user(user=user)
    contenu = _agenda(request, structure, visibles, texte_libre=True)
    return _reponse(contenu, _nom_fichier(structure))


@login_not_required
@require_safe
def abonnement_ics(request, jeton: str):
    """A structure's feed for a calendar application, through its secret link: 404 for a
    wrong, replaced or revoked token; each read notes the link's last use."""
    lien = access.lien_agenda_get_par_jeton(jeton=jeton)
    services.lien_agenda_utilise(lien=lien)
    visibles = access.rencontres_for_structure(structure_id=lien.structure_id)
    contenu = _agenda(request, lien.structure, visibles, texte_libre=False)
    response = _reponse(contenu, _nom_fichier(lien.structure))
    # The address is the secret: no shared cache keeps the answer, no search engine lists it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
