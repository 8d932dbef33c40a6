from django import forms
from django.contrib.auth.forms import AuthenticationForm

from aiguillage.accounts.models import Role
from aiguillage.core.forms import StyledFormMixin
from aiguillage.directory.models import siret_validator


class EmailAuthenticationForm(StyledFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class StructureForm(StyledFormMixin, forms.Form):
    nom = forms.CharField(label="Nom", max_length=200)
    siret = forms.CharField(
        label="SIRET",
        max_length=14,
        required=False,
        validators=[siret_validator],
        help_text="14 chiffres, sans espace. Facultatif.",
    )


class MemberAddForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(label="Adresse électronique")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(
        label="Rôle",
        choices=[
            (Role.CONSEILLER.value, Role.CONSEILLER.label),
            (Role.RESPONSABLE_STRUCTURE.value, Role.RESPONSABLE_STRUCTURE.label),
        ],
    )
