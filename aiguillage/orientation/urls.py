from django.urls import include, path

from aiguillage.orientation import views

app_name = "orientation"

urlpatterns = [
    path("", views.portail, name="portail"),
    path("resultat/", views.portail_resultat, name="portail_resultat"),
    path("resultat/<uuid:public_id>/", views.resultat, name="resultat"),
    path("resultat/<uuid:public_id>/contact/<int:site_id>/", views.contact, name="contact"),
    path(
        "resultat/<uuid:public_id>/demande-envoyee/", views.demande_envoyee, name="demande_envoyee"
    ),
    path("conseiller/", views.conseiller, name="conseiller"),
    path("conseiller/financements/", include("aiguillage.orientation.urls_financement")),
    path("demandes/", views.demandes, name="demandes"),
]
