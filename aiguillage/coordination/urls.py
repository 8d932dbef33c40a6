from django.urls import path

from aiguillage.coordination.views import agendas, calendriers, groupes, rencontres

app_name = "coordination"

urlpatterns = [
    # Sessions (views/rencontres.py) and their calendars (views/calendriers.py)
    path("", rencontres.rencontres, name="rencontres"),
    path("rencontres/nouvelle/", rencontres.rencontre_creer, name="rencontre_creer"),
    path("rencontres/<uuid:public_id>/", rencontres.rencontre, name="rencontre"),
    path(
        "rencontres/<uuid:public_id>/modifier/",
        rencontres.rencontre_modifier,
        name="rencontre_modifier",
    ),
    path(
        "rencontres/<uuid:public_id>/annuler/",
        rencontres.rencontre_annuler,
        name="rencontre_annuler",
    ),
    path(
        "rencontres/<uuid:public_id>/presences/",
        rencontres.rencontre_presences,
        name="rencontre_presences",
    ),
    path(
        "rencontres/<uuid:public_id>/rencontre.ics",
        calendriers.rencontre_ics,
        name="rencontre_ics",
    ),
    # Structures' calendars, their secret links (views/agendas.py) and the feed they give
    path("agendas/", agendas.agendas, name="agendas"),
    path("agendas/<int:structure_id>/", agendas.agenda, name="agenda"),
    path("agendas/<int:structure_id>.ics", calendriers.agenda_ics, name="agenda_ics"),
    path(
        "agendas/<int:structure_id>/lien/",
        agendas.agenda_lien_creer,
        name="agenda_lien_creer",
    ),
    path(
        "agendas/<int:structure_id>/lien/revoquer/",
        agendas.agenda_lien_revoquer,
        name="agenda_lien_revoquer",
    ),
    # No login: the secret token is the key (views/calendriers.py, ``abonnement_ics``).
    path("abonnements/<str:jeton>.ics", calendriers.abonnement_ics, name="abonnement_ics"),
    # Working groups (views/groupes.py)
    path("groupes/", groupes.groupes, name="groupes"),
    path("groupes/nouveau/", groupes.groupe_creer, name="groupe_creer"),
    path("groupes/<uuid:public_id>/", groupes.groupe, name="groupe"),
    path("groupes/<uuid:public_id>/modifier/", groupes.groupe_modifier, name="groupe_modifier"),
    path("groupes/<uuid:public_id>/clore/", groupes.groupe_clore, name="groupe_clore"),
    path("groupes/<uuid:public_id>/rouvrir/", groupes.groupe_rouvrir, name="groupe_rouvrir"),
]
