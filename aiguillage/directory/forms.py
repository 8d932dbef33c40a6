"""Forms of the directory pages."""

from __future__ import annotations

import re

from django import forms

from aiguillage.core.forms import StyledFormMixin
from aiguillage.directory import referentials
from aiguillage.directory.models import (
    Capacite,
    FrequenceAlerte,
    Niveau,
    RechercheSauvegardee,
    Service,
    Site,
)
from aiguillage.directory.reseaux import Reseau
from aiguillage.territories.models import Commune

_CODES = re.compile(r"[\s,;]+")


def _optional(choices: dict[str, str] | list, label: str = "Tous") -> list[tuple[str, str]]:
    items = choices.items() if isinstance(choices, dict) else choices
    return [("", label), *items]


class SearchForm(StyledFormMixin, forms.Form):
    label_suffix = ""
    commune = forms.CharField(
        label="Commune ou code postal",
        max_length=100,
        required=False,
        help_text="Par exemple « Chambéry » ou « 73000 ».",
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "communes-suggestions"}),
    )
    code = forms.CharField(required=False, widget=forms.HiddenInput)
    public = forms.ChoiceField(
        label="Public", required=False, choices=_optional(referentials.PUBLICS)
    )
    thematique = forms.ChoiceField(
        label="Thématique", required=False, choices=_optional(referentials.THEMATIQUES, "Toutes")
    )
    reseau = forms.ChoiceField(label="Réseau", required=False, choices=_optional(Reseau.choices))
    accueille = forms.BooleanField(
        label="Seulement les sites qui accueillent de nouvelles personnes", required=False
    )


class SavedSearchForm(StyledFormMixin, forms.Form):
    """The name and the alert of a saved search (its criteria come from the search page)."""

    nom = forms.CharField(
        label="Nom de la recherche",
        max_length=RechercheSauvegardee._meta.get_field("nom").max_length,
        help_text="Pour la retrouver dans votre liste, par exemple « Jeunes à Chambéry ».",
        error_messages={
            "required": "Donnez un nom à cette recherche.",
            "max_length": "Le nom compte au plus %(limit_value)d caractères "
            "(il en compte %(show_value)d).",
        },
    )
    frequence = forms.ChoiceField(
        label="Alerte par courriel",
        choices=FrequenceAlerte.choices,
        initial=FrequenceAlerte.AUCUNE,
        widget=forms.RadioSelect,
        help_text="Un courriel vous liste les services ajoutés à l'annuaire depuis la dernière "
        "alerte qui correspondent à cette recherche ; aucun courriel quand il n'y a rien de "
        "nouveau.",
        error_messages={
            "required": "Choisissez la fréquence de l'alerte.",
            "invalid_choice": "Choisissez l'une des fréquences proposées.",
        },
    )


def _codes_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput()
    )


class SiteForm(StyledFormMixin, forms.Form):
    """The site's data, its capacity, and the territories it serves (for every public)."""

    nom = forms.CharField(label="Nom du site", max_length=150)
    adresse = forms.CharField(label="Adresse", max_length=250, required=False)
    complement_adresse = forms.CharField(
        label="Complément d'adresse", max_length=250, required=False
    )
    code_postal = forms.CharField(label="Code postal", max_length=5, required=False)
    commune = forms.CharField(
        label="Commune (code INSEE)", max_length=5, help_text="Par exemple 73065 pour Chambéry."
    )
    horaires_accueil = forms.CharField(
        label="Horaires d'accueil",
        max_length=500,
        required=False,
        help_text="Format OpenStreetMap, par exemple « Mo-Fr 09:00-12:30,13:30-17:00 ».",
    )
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    courriel = forms.EmailField(label="Courriel", required=False)
    site_web = forms.URLField(label="Site web", required=False, assume_scheme="https")
    lien_rdv = forms.URLField(
        label="Prise de rendez-vous en ligne", required=False, assume_scheme="https"
    )
    accessibilite_lieu = forms.URLField(
        label="Fiche Acceslibre du lieu", required=False, assume_scheme="https"
    )
    accessible_pmr = forms.NullBooleanField(label="Accessible en fauteuil roulant", required=False)
    capacite = forms.ChoiceField(label="Capacité d'accueil", choices=Capacite.choices)
    delai_typique_jours = forms.IntegerField(
        label="Délai habituel avant un premier rendez-vous (jours)",
        required=False,
        min_value=0,
        max_value=365,
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    dessertes_commune = _codes_field("Communes desservies", "Codes INSEE séparés par des espaces.")
    dessertes_epci = _codes_field("Intercommunalités desservies", "Numéros SIREN des EPCI.")
    dessertes_departement = _codes_field("Départements desservis", "Par exemple 73 74.")
    dessertes_region = _codes_field(
        "Régions desservies", "Codes INSEE des régions, par exemple 84."
    )
    dessertes_bassin = _codes_field("Bassins desservis", "Codes des bassins de la Région.")

    LEVELS = [
        (Niveau.COMMUNE, "dessertes_commune"),
        (Niveau.EPCI, "dessertes_epci"),
        (Niveau.DEPARTEMENT, "dessertes_departement"),
        (Niveau.REGION, "dessertes_region"),
        (Niveau.BASSIN, "dessertes_bassin"),
    ]

    @classmethod
    def initial_for(cls, site: Site) -> dict:
        initial = {name: getattr(site, name) for name in cls.base_fields if hasattr(site, name)}
        initial["commune"] = site.commune_id
        for niveau, name in cls.LEVELS:
            initial[name] = " ".join(
                sorted(d.code for d in site.dessertes.all() if d.niveau == niveau and not d.public)
            )
        return initial

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip().upper()
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise forms.ValidationError(f"Commune « {code} » inconnue : saisissez son code INSEE.")
        return commune

    def dessertes(self) -> list[tuple[str, str, str]]:
        return [
            (niveau, code, "")
            for niveau, name in self.LEVELS
            for code in _CODES.split(self.cleaned_data.get(name, "").strip())
            if code
        ]


class ServiceForm(StyledFormMixin, forms.Form):
    nom = forms.CharField(label="Nom du service", max_length=150, min_length=3)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 4}))
    type = forms.ChoiceField(
        label="Type", required=False, choices=_optional(referentials.TYPES_SERVICE, "—")
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques",
        choices=list(referentials.THEMATIQUES.items()),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    publics = forms.MultipleChoiceField(
        label="Publics",
        required=False,
        choices=list(referentials.PUBLICS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    publics_precisions = forms.CharField(label="Précisions sur les publics", required=False)
    modes_accueil = forms.MultipleChoiceField(
        label="Modes d'accueil",
        required=False,
        choices=list(referentials.MODES_ACCUEIL.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    modes_mobilisation = forms.MultipleChoiceField(
        label="Comment solliciter le service",
        required=False,
        choices=list(referentials.MODES_MOBILISATION.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    lien_mobilisation = forms.URLField(
        label="Lien pour solliciter le service", required=False, assume_scheme="https"
    )
    frais = forms.ChoiceField(
        label="Frais", required=False, choices=_optional(referentials.FRAIS, "—")
    )
    frais_precisions = forms.CharField(label="Précisions sur les frais", required=False)
    conditions_acces = forms.CharField(
        label="Conditions d'accès", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def initial_for(cls, service: Service) -> dict:
        initial = {
            name: getattr(service, name) for name in cls.base_fields if hasattr(service, name)
        }
        initial["thematiques"] = [t.thematique for t in service.thematiques.all()]
        initial["publics"] = [p.public for p in service.publics.all()]
        return initial
