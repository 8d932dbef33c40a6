from django.urls import path

from aiguillage.referrals.views import accompagnements, adressage, boite, personnes, tableaux

app_name = "referrals"

urlpatterns = [
    # Counsellors' pages: inbox and notifications (views/boite.py), create (views/adressage.py),
    # attachments (views/adressage.py), co-accompaniment (views/accompagnements.py)
    path("", boite.inbox, name="inbox"),
    path("nouveau/", adressage.create, name="create"),
    path("notifications/", boite.notifications, name="notifications"),
    path("pieces-jointes/<uuid:public_id>/", adressage.piece_jointe, name="piece_jointe"),
    path("accompagnements/", accompagnements.accompagnements, name="accompagnements"),
    path(
        "accompagnements/nouveau/",
        accompagnements.accompagnement_create,
        name="accompagnement_create",
    ),
    path(
        "accompagnements/<uuid:public_id>/",
        accompagnements.accompagnement,
        name="accompagnement",
    ),
    path(
        "accompagnements/<uuid:public_id>/membres/",
        accompagnements.accompagnement_membre,
        name="accompagnement_membre",
    ),
    path(
        "accompagnements/<uuid:public_id>/evenements/",
        accompagnements.accompagnement_evenement,
        name="accompagnement_evenement",
    ),
    path(
        "accompagnements/<uuid:public_id>/clore/",
        accompagnements.accompagnement_clore,
        name="accompagnement_clore",
    ),
    # People: correction, access right (export), erasure, duplicates and merge (views/personnes.py)
    path("personnes/doublons/", personnes.doublons, name="doublons"),
    path("personnes/<uuid:public_id>/", personnes.personne, name="personne"),
    path(
        "personnes/<uuid:public_id>/modifier/",
        personnes.modifier,
        name="personne_modifier",
    ),
    path("personnes/<uuid:public_id>/export/", personnes.export, name="personne_export"),
    path("personnes/<uuid:public_id>/effacer/", personnes.effacer, name="personne_effacer"),
    path(
        "personnes/<uuid:public_id>/fusionner/",
        personnes.fusionner,
        name="personne_fusionner",
    ),
    # Dashboards: aggregates only (views/tableaux.py)
    path("tableau/<int:structure_id>/", tableaux.structure, name="tableau_structure"),
    path("regions/<str:region_code>/", tableaux.region, name="tableau_region"),
    # One referral (views/adressage.py)
    path("<uuid:public_id>/", adressage.detail, name="detail"),
    path("<uuid:public_id>/statut/", adressage.transition, name="transition"),
    path("<uuid:public_id>/rediriger/", adressage.rediriger, name="rediriger"),
    path("<uuid:public_id>/messages/", adressage.message, name="message"),
    path(
        "<uuid:public_id>/consentement/retirer/",
        adressage.consentement_retirer,
        name="consentement_retirer",
    ),
]
