"""The counsellor's funding form: the situation and the funding facts on one page, every fact
optional but the activity (« non renseigné » leaves it unknown, and the answer says whether to
ask it).

The form pre-fills from its page's query string (:func:`initial_depuis`), in the form's own
values (yes/no facts as ``oui``/``non``); :func:`adresse_depuis_situation` writes that query
string for an orientation situation (the link from the counsellor's orientation result)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils import timezone

from aiguillage.core.forms import StyledFormMixin
from aiguillage.orientation.questionnaire import BY_KEY
from aiguillage.rules.financements import (
    CHAMPS_FINANCEMENT,
    NIVEAUX_DIPLOME,
    PROJETS,
    TEMPS_TRAVAIL,
)

TRI_STATE = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]

#: Yes/no facts of the situation, then of the funding, with their labels.
OUI_NON = {
    "exerce_un_emploi": "Exerce un emploi (étudiant ou retraité qui travaille)",
    "rqth": "Reconnaissance de handicap (RQTH)",
    "inscrit_france_travail": "Inscrit à France Travail",
    "csp": "En contrat de sécurisation professionnelle (CSP)",
    "accord_employeur": "Accord écrit de l'employeur (ou de l'administration)",
    "abondement_employeur": "L'employeur ou l'OPCO cofinance la formation (abondement)",
    "poste_fragilise": "Emploi sur la liste des emplois fragilisés de l'entreprise",
    "formation_validee_france_travail": "Formation validée dans le projet avec France Travail",
}
#: Numbers, with their labels (bounds and help come from the rules' contract).
NOMBRES = {
    "anciennete_salarie_mois": "Ancienneté de salarié, tous employeurs (mois)",
    "anciennete_entreprise_mois": "Ancienneté dans l'entreprise actuelle (mois)",
    "mois_salarie_5_dernieres_annees": "Mois de salariat sur les 5 dernières années",
    "mois_cdd_12_derniers_mois": "Mois de CDD sur les 12 derniers mois",
    "mois_depuis_fin_cdd": "Mois depuis la fin du dernier CDD (demandeur d'emploi)",
    "absence_maladie_mois": "Absence pour maladie ou accident sur 24 mois (mois)",
    "duree_formation_mois": "Interruption de travail prévue pour la formation (mois)",
    "jours_travailles_60_mois": "Jours travaillés sur les 60 derniers mois",
    "effectif_entreprise": "Effectif de l'entreprise (salariés)",
    "experience_en_rapport_mois": "Expérience en rapport avec la certification visée (mois)",
}
#: The form's sections, for the template (each a fieldset with a legend).
SECTIONS = [
    ("Situation", ["date", "activite", "contrat", "commune", "exerce_un_emploi", "rqth",
                   "inscrit_france_travail", "csp"]),
    ("Projet", ["projet", "diplome_niveau", "temps_travail"]),
    ("Parcours", list(NOMBRES)),
    ("Accords et cofinancements", ["accord_employeur", "abondement_employeur", "poste_fragilise",
                                   "formation_validee_france_travail"]),
]  # fmt: skip
#: Every field of the form, in display order.
CHAMPS = tuple(nom for _, noms in SECTIONS for nom in noms)


class FinancementForm(StyledFormMixin, forms.Form):
    """Every fact of a funding request on one page, for a counsellor."""

    date = forms.DateField(
        label="Date de la situation",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Les règles en vigueur à cette date s'appliquent (depuis le 1er janvier 2019).",
    )
    activite = forms.ChoiceField(label="Activité", choices=BY_KEY["activite"].choices)
    contrat = forms.ChoiceField(
        label="Contrat (salarié)", required=False, choices=[("", "—"), *BY_KEY["contrat"].choices]
    )
    commune = forms.CharField(
        label="Commune de résidence (code INSEE)",
        required=False,
        max_length=5,
        help_text="Pour nommer la Région, par exemple 73065.",
    )
    projet = forms.ChoiceField(
        label="Projet", required=False, choices=[("", "Non renseigné"), *PROJETS.items()]
    )
    diplome_niveau = forms.TypedChoiceField(
        label="Plus haut diplôme ou titre",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Non renseigné"), *((str(k), v) for k, v in NIVEAUX_DIPLOME.items())],
    )
    temps_travail = forms.ChoiceField(
        label="Temps de travail sur l'année",
        required=False,
        choices=[("", "Non renseigné"), *TEMPS_TRAVAIL.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for cle, libelle in NOMBRES.items():
            regle = CHAMPS_FINANCEMENT[cle]
            self.fields[cle] = forms.IntegerField(
                label=libelle,
                required=False,
                min_value=regle.minimum,
                max_value=regle.maximum,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )
        for cle, libelle in OUI_NON.items():
            self.fields[cle] = forms.ChoiceField(label=libelle, required=False, choices=TRI_STATE)
            # Added after the mixin styled the declared fields.
            self.fields[cle].widget.attrs["class"] = "form-select"

    def sections(self):
        """``[(legend, [bound fields])]`` in display order."""
        return [(legende, [self[nom] for nom in noms]) for legende, noms in SECTIONS]

    def demande(self) -> dict:
        """The request for the rules: only the facts given (an empty field stays unknown)."""
        data = self.cleaned_data
        demande = {"date": data["date"].isoformat(), "activite": data["activite"]}
        if data["commune"]:
            demande["commune"] = data["commune"].strip().upper()
        for cle in ("contrat", "projet", "temps_travail"):
            if data.get(cle):
                demande[cle] = data[cle]
        for cle in ("diplome_niveau", *NOMBRES):
            if data.get(cle) is not None:
                demande[cle] = data[cle]
        for cle in OUI_NON:
            if data.get(cle) in ("oui", "non"):
                demande[cle] = data[cle] == "oui"
        return demande

    def add_rules_errors(self, erreurs: dict[str, list[str]]) -> None:
        """The rules' French messages, on their field when the form has it."""
        for champ, messages in erreurs.items():
            for message in messages:
                if champ in self.fields:
                    self.add_error(champ, message.partition(" : ")[2] or message)
                else:
                    self.add_error(None, message)


def initial_depuis(query: Mapping[str, str]) -> dict[str, str]:
    """The form's initial values from a query string: the keys the form has, as given (a value
    the field does not know shows as not filled in; the POST checks everything)."""
    return {cle: query[cle] for cle in CHAMPS if query.get(cle)}


def adresse_depuis_situation(situation: Mapping[str, Any]) -> str:
    """The funding page's address pre-filled with ``situation`` (an orientation situation, JSON
    keys): the keys the form has, yes/no facts as ``oui``/``non``. The others (âge, cadre,
    RSA…) are left out: the funding form does not ask them."""
    query = {}
    for cle in CHAMPS:
        valeur = situation.get(cle)
        if valeur is None or valeur == "":
            continue
        query[cle] = ("oui" if valeur else "non") if isinstance(valeur, bool) else str(valeur)
    adresse = reverse("orientation:financement")
    return f"{adresse}?{urlencode(query)}" if query else adresse
