from django.urls import path

from aiguillage.territories import views

app_name = "territories"

urlpatterns = [
    path("communes/", views.commune_search_page, name="commune_search"),
]
