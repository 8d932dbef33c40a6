from django.urls import path

from aiguillage.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("communes/", views.commune_suggestions, name="commune_suggestions"),
    path("sites/<int:site_id>/", views.site_detail, name="site_detail"),
    path("sites/<int:site_id>/modifier/", views.site_edit, name="site_edit"),
    path("sites/<int:site_id>/confirmer/", views.site_confirm, name="site_confirm"),
    path("structures/<int:structure_id>/sites/ajouter/", views.site_edit, name="site_create"),
    path("sites/<int:site_id>/services/ajouter/", views.service_edit, name="service_create"),
    path("services/<int:service_id>/modifier/", views.service_edit, name="service_edit"),
    path("couverture/<str:code>/", views.coverage, name="coverage"),
    path("recherches/", views.saved_searches, name="saved_searches"),
    path("recherches/ajouter/", views.saved_search_create, name="saved_search_create"),
    path("recherches/<int:saved_search_id>/", views.saved_search_run, name="saved_search_run"),
    path(
        "recherches/<int:saved_search_id>/modifier/",
        views.saved_search_edit,
        name="saved_search_edit",
    ),
    path(
        "recherches/<int:saved_search_id>/supprimer/",
        views.saved_search_delete,
        name="saved_search_delete",
    ),
]
