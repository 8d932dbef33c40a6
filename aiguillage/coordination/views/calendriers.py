"""iCalendar downloads: one session (``rencontre_ics``) and a structure's feed (``agenda_ics``),
read through the same gateways as the pages (404 outside them; a login is required)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from aiguillage.coordination import access, calendrier, selectors


def _reponse(contenu: bytes, nom_fichier: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom_fichier}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def rencontre_ics(request, public_id):
    item = access.rencontre_get_for_user(user=request.user, public_id=public_id)
    url = request.build_absolute_uri(reverse("coordination:rencontre", args=[item.public_id]))
    jour = timezone.localtime(item.debut).date().isoformat()
    return _reponse(calendrier.rencontre_ics(item, url=url), f"rencontre-{jour}.ics")


def agenda_ics(request, structure_id: int):
    user = request.user
    structure = access.structure_get_for_agenda(user=user, structure_id=structure_id)
    visibles = access.rencontres_for_user(user=user).values("pk")
    items = selectors.rencontres_de_structure(structure_id=structure.pk).filter(pk__in=visibles)

    def url_de(item) -> str:
        return request.build_absolute_uri(reverse("coordination:rencontre", args=[item.public_id]))

    contenu = calendrier.agenda_ics(items, url_de=url_de, nom=f"Rencontres — {structure.nom}")
    return _reponse(contenu, f"agenda-{slugify(structure.nom)[:60] or structure.pk}.ics")
