from django.urls import path

from aiguillage.referrals import views, views_personnes, views_tableaux

app_name = "referrals"

urlpatterns = [
    # Counsellors' pages (views.py)
    path("", views.inbox, name="inbox"),
    path("nouveau/", views.create, name="create"),
    path("notifications/", views.notifications, name="notifications"),
    path("pieces-jointes/<uuid:public_id>/", views.piece_jointe, name="piece_jointe"),
    path("accompagnements/", views.accompagnements, name="accompagnements"),
    path("accompagnements/nouveau/", views.accompagnement_create, name="accompagnement_create"),
    path("accompagnements/<uuid:public_id>/", views.accompagnement, name="accompagnement"),
    path(
        "accompagnements/<uuid:public_id>/membres/",
        views.accompagnement_membre,
        name="accompagnement_membre",
    ),
    path(
        "accompagnements/<uuid:public_id>/evenements/",
        views.accompagnement_evenement,
        name="accompagnement_evenement",
    ),
    path(
        "accompagnements/<uuid:public_id>/clore/",
        views.accompagnement_clore,
        name="accompagnement_clore",
    ),
    # People: correction, access right (export), erasure, duplicates and merge (views_personnes.py)
    path("personnes/doublons/", views_personnes.doublons, name="doublons"),
    path("personnes/<uuid:public_id>/", views_personnes.personne, name="personne"),
    path(
        "personnes/<uuid:public_id>/modifier/",
        views_personnes.modifier,
        name="personne_modifier",
    ),
    path("personnes/<uuid:public_id>/export/", views_personnes.export, name="personne_export"),
    path("personnes/<uuid:public_id>/effacer/", views_personnes.effacer, name="personne_effacer"),
    path(
        "personnes/<uuid:public_id>/fusionner/",
        views_personnes.fusionner,
        name="personne_fusionner",
    ),
    # Dashboards: aggregates only (views_tableaux.py)
    path("tableau/<int:structure_id>/", views_tableaux.structure, name="tableau_structure"),
    path("regions/<str:region_code>/", views_tableaux.region, name="tableau_region"),
    # One referral (views.py)
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/statut/", views.transition, name="transition"),
    path("<uuid:public_id>/rediriger/", views.rediriger, name="rediriger"),
    path("<uuid:public_id>/messages/", views.message, name="message"),
    path(
        "<uuid:public_id>/consentement/retirer/",
        views.consentement_retirer,
        name="consentement_retirer",
    ),
]
