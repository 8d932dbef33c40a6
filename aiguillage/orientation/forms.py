"""Forms of the orientation pages: the counsellor's one-page situation, the contact request."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from aiguillage.core.forms import StyledFormMixin
from aiguillage.orientation.questionnaire import BY_KEY
from aiguillage.referrals.models import PreferenceContact

TRI_STATE = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]
FLAGS = {
    "exerce_un_emploi": "Exerce un emploi (étudiant ou retraité qui travaille)",
    "cadre": "Cadre",
    "rqth": "Reconnaissance de handicap (RQTH)",
    "inscrit_france_travail": "Inscrit à France Travail",
    "beneficiaire_rsa": "Bénéficiaire du RSA",
    "csp": "En contrat de sécurisation professionnelle (CSP)",
    "saisonnier": "Travailleur saisonnier",
}


class SituationForm(StyledFormMixin, forms.Form):
    """Every field of the situation on one page, for a counsellor."""

    date = forms.DateField(
        label="Date de la situation",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Les règles en vigueur à cette date s'appliquent.",
    )
    age = forms.IntegerField(label="Âge", min_value=14, max_value=100)
    activite = forms.ChoiceField(label="Activité", choices=BY_KEY["activite"].choices)
    contrat = forms.ChoiceField(
        label="Contrat (salarié)", required=False, choices=[("", "—"), *BY_KEY["contrat"].choices]
    )
    commune = forms.CharField(
        label="Commune de résidence (code INSEE)",
        required=False,
        max_length=5,
        help_text="Pour proposer les sites les plus proches, par exemple 73065.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in FLAGS.items():
            self.fields[key] = forms.ChoiceField(label=label, required=False, choices=TRI_STATE)
            # Added after the mixin styled the declared fields.
            self.fields[key].widget.attrs["class"] = "form-select"

    def situation(self) -> dict:
        data = self.cleaned_data
        situation = {
            "date": data["date"].isoformat(),
            "age": data["age"],
            "activite": data["activite"],
        }
        if data["contrat"]:
            situation["contrat"] = data["contrat"]
        if data["commune"]:
            situation["commune"] = data["commune"].strip().upper()
        for key in FLAGS:
            if data.get(key) in ("oui", "non"):
                situation[key] = data[key] == "oui"
        return situation


class ContactForm(StyledFormMixin, forms.Form):
    prenom = forms.CharField(label="Prénom", max_length=100)
    nom = forms.CharField(label="Nom", max_length=100, required=False, help_text="Facultatif.")
    courriel = forms.EmailField(label="Adresse électronique", required=False)
    telephone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preference_contact = forms.ChoiceField(
        label="Comment préférez-vous être contacté ou contactée ?",
        choices=PreferenceContact.choices,
        widget=forms.RadioSelect,
    )
    contact_uniquement_ainsi = forms.BooleanField(
        label="Ne me contacter que de cette façon", required=False
    )
    message = forms.CharField(
        label="Votre message",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif. N'indiquez pas d'information de santé.",
    )
    consentement = forms.BooleanField(label="J'accepte")

    def clean(self):
        data = super().clean()
        courriel, telephone = data.get("courriel"), data.get("telephone")
        if not courriel and not telephone:
            raise forms.ValidationError(
                "Indiquez au moins une adresse électronique ou un numéro de téléphone."
            )
        preference = data.get("preference_contact")
        if preference == PreferenceContact.COURRIEL and not courriel:
            self.add_error("courriel", "Indiquez votre adresse pour être contacté(e) par courriel.")
        if preference in (PreferenceContact.TELEPHONE, PreferenceContact.SMS) and not telephone:
            self.add_error(
                "telephone", "Indiquez votre numéro pour être appelé(e) ou recevoir un SMS."
            )
        return data
