from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse_lazy

from aiguillage.accounts import views
from aiguillage.core.forms import StyledFormMixin

app_name = "accounts"


class _SetPasswordForm(StyledFormMixin, auth_views.SetPasswordForm):
    pass


urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", views.profile, name="profile"),
    path(
        "compte/mot-de-passe/<uidb64>/<token>/",
        login_not_required(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_set.html",
                form_class=_SetPasswordForm,
                success_url=reverse_lazy("accounts:login"),
            )
        ),
        name="password_reset_confirm",
    ),
    path("structures/<int:structure_id>/", views.structure_detail, name="structure_detail"),
    path("structures/<int:structure_id>/modifier/", views.structure_edit, name="structure_edit"),
    path("structures/<int:structure_id>/membres/ajouter/", views.member_add, name="member_add"),
    path(
        "structures/<int:structure_id>/membres/<int:user_id>/",
        views.member_detail,
        name="member_detail",
    ),
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_dashboard, name="region_dashboard"),
]
