from django.urls import path

from aiguillage.referrals import views

app_name = "referrals"

urlpatterns = [
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("accompagnements/<uuid:public_id>/", views.accompagnement, name="accompagnement"),
]
