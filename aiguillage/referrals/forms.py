"""Forms of the counsellors' referral pages.

Concept map:

- ``commune_resolve`` / ``CommuneField``: a commune typed as an INSEE code, a postal code, a
  name, or picked in the directory's suggestions ("73000 Chambéry"); ambiguous input is refused
  with the candidates named.
- ``structure_choices``: the structures a referral may go to (the user's région, grouped by
  network; those serving the person's commune first).
- ``AdressageForm``: the whole referral on one page: the person, the destination(s), the reason
  and the consent block (what is shared, how the consent was given, the exact text read to the
  person and the counsellor's confirmation that the person agreed).
- ``TRANSITION_FORMS``: one small form per move of the state machine that needs a coded reason
  (refusal, outcome, cancellation); other moves need no field.
- ``RedirigerForm``, ``MessageForm``, ``RetraitForm``: the other actions of a referral's page.
- ``AccompagnementForm``, ``MembreForm``, ``EvenementForm``, ``ClotureAccompagnementForm``:
  co-accompaniment.
- ``PersonneForm``: correcting a person's details, limited to the fields the user's structures
  may see (``access.personne_champs_modifiables``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aiguillage.core.forms import StyledFormMixin
from aiguillage.core.telephones import telephone_affiche
from aiguillage.directory.models import Desserte, Reseau, Site, Structure
from aiguillage.directory.selectors import territory_filter
from aiguillage.referrals.models import (
    DONNEES_MINIMALES,
    MOTIFS_CLOTURE_CONSEILLER,
    DonneePartagee,
    ModeConsentement,
    MotifAnnulation,
    MotifRefus,
    NiveauAcces,
    PreferenceContact,
    Resultat,
    RoleAccompagnement,
    Statut,
    TypeEvenement,
)
from aiguillage.territories.models import CodePostal, Commune
from aiguillage.territories.search import commune_search, normalise

# --- Commune ----------------------------------------------------------------------------------

_NAME_AND_CODE = re.compile(r"^(?P<nom>.*?)\s*\((?P<code>[0-9AB]{5})\)\s*$", re.IGNORECASE)
_POSTAL_AND_NAME = re.compile(r"^(?P<cp>\d{5})\s+(?P<nom>.+)$")
_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$", re.IGNORECASE)


def commune_label(commune: Commune) -> str:
    return f"{commune.nom} ({commune.code})"


def commune_resolve(text: str) -> tuple[Commune | None, list[Commune]]:
    """The commune meant by ``text``, or ``None`` and the candidates when it is ambiguous.

    Accepted: "Chambéry (73065)" (what the page shows back), "73000 Chambéry" (the directory's
    suggestions), an INSEE code, a postal code served by one commune, or a name."""
    text = (text or "").strip()
    if not text:
        return None, []
    if match := _NAME_AND_CODE.match(text):
        return Commune.objects.filter(code=match["code"].upper()).first(), []
    if match := _POSTAL_AND_NAME.match(text):
        ids = CodePostal.objects.filter(code=match["cp"]).values("commune_id")
        found = list(Commune.objects.filter(pk__in=ids, nom_normalise=normalise(match["nom"])))
        if len(found) == 1:
            return found[0], []
        text = match["nom"]
    if _CODE.match(text):
        commune = Commune.objects.filter(code=text.upper()).first()
        if commune is not None:
            return commune, []
    candidates = commune_search(text, limit=6)
    if text.isdigit():
        return (candidates[0], []) if len(candidates) == 1 else (None, candidates)
    exact = [c for c in candidates if c.nom_normalise == normalise(text)]
    if len(exact) == 1:
        return exact[0], []
    return None, exact or candidates


class CommuneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        commune, candidates = commune_resolve(value)
        if commune is not None:
            return commune
        if candidates:
            examples = " ; ".join(f"« {commune_label(c)} »" for c in candidates[:5])
            raise forms.ValidationError(
                f"Plusieurs communes correspondent à « {value} » : précisez-la, par exemple "
                f"{examples}."
            )
        raise forms.ValidationError(
            f"Aucune commune ne correspond à « {value} » : indiquez son nom, son code postal ou "
            "son code INSEE."
        )


# --- Structures -------------------------------------------------------------------------------

#: Networks that do not take people in (coordination, observation, the platform's own team).
RESEAUX_SANS_ACCUEIL = (Reseau.REGION, Reseau.CARIF_OREF, Reseau.AUTRE)


@dataclass
class StructureChoices:
    """Grouped choices for a ``<select>`` and the structures behind them (no second query)."""

    choices: list
    structures: dict[int, Structure]
    suggestion_label: str = ""


def structure_choices(
    *, region_ids: set[str | None], exclude=(), commune: Commune | None = None
) -> StructureChoices:
    """Structures of the user's régions (and national ones), grouped by network; those whose sites
    serve ``commune`` come first in their own group."""
    structures = Structure.objects.exclude(reseau__in=RESEAUX_SANS_ACCUEIL).exclude(
        pk__in=list(exclude)
    )
    if None not in region_ids:
        # National structures (no région) are open to everybody.
        structures = structures.filter(Q(region__isnull=True) | Q(region_id__in=region_ids))
    rows = list(structures.only("pk", "nom", "reseau").order_by("nom", "pk"))
    by_pk = {s.pk: s for s in rows}
    serving: set[int] = set()
    if commune is not None:
        bassins = list(commune.bassins.values_list("code", flat=True))
        dessertes = Desserte.objects.filter(territory_filter(commune, bassins)).values("site_id")
        serving = set(
            Site.objects.filter(pk__in=dessertes, structure_id__in=list(by_pk)).values_list(
                "structure_id", flat=True
            )
        )
    order = {value: rank for rank, value in enumerate(Reseau.values)}
    groups: list = []
    suggestion_label = ""
    if serving:
        suggestion_label = f"Desservent {commune.nom}"
        suggested = sorted(
            (by_pk[pk] for pk in serving), key=lambda s: (order.get(s.reseau, 99), s.nom)
        )
        groups.append((suggestion_label, [(s.pk, s.nom) for s in suggested]))
    for reseau in Reseau:
        members = [(s.pk, s.nom) for s in rows if s.reseau == reseau and s.pk not in serving]
        if members:
            groups.append((reseau.label, members))
    return StructureChoices(groups, by_pk, suggestion_label)


class StructureSelect(forms.TypedChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


# --- Referral creation ------------------------------------------------------------------------

# The situation (a diagnostic's result) is shared by the referrals made from a diagnostic (portal,
# API); the counsellor's form has none to attach.
DONNEES_OPTIONNELLES = [
    (d.value, d.label)
    for d in DonneePartagee
    if d not in DONNEES_MINIMALES and d != DonneePartagee.SITUATION
]
MODES_CONSEILLER = [(m.value, m.label) for m in ModeConsentement if m != ModeConsentement.PORTAIL]
ACCORD_LABEL = (
    "La personne a donné son accord, après lecture du texte ci-dessus, pour que ces données soient "
    "transmises à la ou aux structures choisies."
)
PERSONNE_FIELDS = (
    "prenom",
    "nom",
    "date_naissance",
    "commune",
    "courriel",
    "telephone",
    "preference_contact",
    "contact_uniquement_ainsi",
)


class AdressageForm(StyledFormMixin, forms.Form):
    """A counsellor sends a person to one structure, or fans the request out to several."""

    emettrice = StructureSelect(label="Votre structure (émettrice)")
    # The person (absent when referring a person already known).
    prenom = forms.CharField(label="Prénom", max_length=100)
    nom = forms.CharField(label="Nom", max_length=100, required=False)
    date_naissance = forms.DateField(
        label="Date de naissance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Sert à repérer une personne déjà connue de votre structure.",
    )
    commune = CommuneField(
        label="Commune de résidence",
        max_length=100,
        required=False,
        help_text="Nom, code postal ou code INSEE, par exemple « Chambéry » ou « 73065 ».",
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "communes-suggestions"}),
    )
    courriel = forms.EmailField(label="Adresse électronique", required=False)
    telephone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    preference_contact = forms.ChoiceField(
        label="Préférence de contact",
        choices=PreferenceContact.choices,
        widget=forms.RadioSelect,
    )
    contact_uniquement_ainsi = forms.BooleanField(
        label="Ne contacter la personne que de cette façon", required=False
    )
    personne_choix = forms.CharField(required=False, widget=forms.HiddenInput)
    # Where and why.
    destinataire = StructureSelect(label="Structure destinataire")
    autres_destinataires = forms.TypedMultipleChoiceField(
        label="Diffuser aussi à (facultatif)",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Toutes les structures choisies reçoivent la demande : la première qui "
        "l'accepte la prend en charge, les autres en sont informées. Maintenez la touche Ctrl "
        "(ou Cmd) pour en choisir plusieurs.",
    )
    motif = forms.CharField(
        label="Motif de l'adressage",
        max_length=200,
        help_text="Par exemple « Projet de reconversion vers les métiers du soin ».",
    )
    note = forms.CharField(
        label="Note pour la structure destinataire",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Transmise seulement si la personne accepte de partager la note. "
        "N'indiquez pas d'information de santé.",
    )
    # Consent.
    donnees = forms.MultipleChoiceField(
        label="Données partagées en plus du prénom, du nom et des coordonnées",
        choices=DONNEES_OPTIONNELLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mode = forms.ChoiceField(
        label="Comment la personne a-t-elle donné son accord ?",
        choices=MODES_CONSEILLER,
        widget=forms.RadioSelect,
    )
    texte_affiche = forms.CharField(required=False, widget=forms.HiddenInput)
    accord = forms.BooleanField(
        label=ACCORD_LABEL,
        error_messages={"required": "L'accord de la personne est obligatoire pour l'adresser."},
    )

    def __init__(
        self,
        *args,
        emettrices: list[tuple[int, str]],
        destinations: StructureChoices,
        personne=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.personne = personne
        self.destinations = destinations
        self.fields["emettrice"].choices = emettrices
        self.seule_emettrice = emettrices[0][0] if len(emettrices) == 1 else None
        if self.seule_emettrice is not None:
            # Nothing to choose: the user's only structure sends the referral.
            self.fields["emettrice"].widget = forms.HiddenInput()
            self.fields["emettrice"].initial = self.seule_emettrice
            self.fields["emettrice"].required = False
        self.fields["destinataire"].choices = [
            ("", "Choisissez une structure"),
            *destinations.choices,
        ]
        self.fields["autres_destinataires"].choices = destinations.choices
        if personne is not None:
            for name in PERSONNE_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.personne is None:
            courriel, telephone = data.get("courriel"), data.get("telephone")
            if not courriel and not telephone and "courriel" not in self.errors:
                self.add_error(
                    "courriel", "Indiquez au moins un moyen de contact : courriel ou téléphone."
                )
            preference = data.get("preference_contact")
            if preference == PreferenceContact.COURRIEL and not courriel:
                self.add_error(
                    "courriel", "La préférence « par courriel » demande une adresse électronique."
                )
            if preference in (PreferenceContact.TELEPHONE, PreferenceContact.SMS) and not telephone:
                self.add_error(
                    "telephone", "La préférence de contact choisie demande un numéro de téléphone."
                )
        emettrice = data.get("emettrice") or self.seule_emettrice
        data["emettrice"] = emettrice
        if emettrice is not None and emettrice in self.destinataire_ids():
            self.add_error(
                "destinataire", "Une structure ne peut pas s'adresser une personne à elle-même."
            )
        return data

    def destinataire_ids(self) -> list[int]:
        data = self.cleaned_data
        first = data.get("destinataire")
        ids = [first] if first else []
        return list(dict.fromkeys([*ids, *(data.get("autres_destinataires") or [])]))

    def destinataires(self) -> list[Structure]:
        return [self.destinations.structures[pk] for pk in self.destinataire_ids()]

    def donnees_partagees(self) -> list[str]:
        return [*DONNEES_MINIMALES, *self.cleaned_data.get("donnees", [])]

    def personne_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PERSONNE_FIELDS}


# --- A referral's actions ---------------------------------------------------------------------


class TransitionForm(StyledFormMixin, forms.Form):
    """A move that needs no coded reason (accept, first contact, in progress)."""

    commentaire = forms.CharField(
        label="Commentaire (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def motif(self) -> str:
        return self.cleaned_data.get("motif", "") or ""


class RefusForm(TransitionForm):
    motif = forms.ChoiceField(
        label="Motif du refus",
        choices=[("", "Choisissez un motif"), *MotifRefus.choices],
        error_messages={"required": "Choisissez le motif du refus : il est transmis à l'émetteur."},
    )
    field_order = ["motif", "commentaire"]

    def clean(self):
        data = super().clean()
        if data.get("motif") == MotifRefus.AUTRE and not (data.get("commentaire") or "").strip():
            self.add_error("commentaire", "Le motif « autre » demande un commentaire.")
        return data


class ClotureForm(TransitionForm):
    motif = forms.ChoiceField(
        label="Résultat",
        choices=[("", "Choisissez le résultat"), *Resultat.choices],
        error_messages={"required": "Choisissez le résultat de l'accompagnement."},
    )
    field_order = ["motif", "commentaire"]


MOTIFS_ANNULATION_EMETTRICE = [
    (m.value, m.label) for m in (MotifAnnulation.ANNULEE_PAR_EMETTRICE, MotifAnnulation.DOUBLON)
]


class AnnulationForm(TransitionForm):
    motif = forms.ChoiceField(
        label="Motif de l'annulation",
        choices=[("", "Choisissez un motif"), *MOTIFS_ANNULATION_EMETTRICE],
        error_messages={"required": "Choisissez le motif de l'annulation."},
    )
    field_order = ["motif", "commentaire"]


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    Statut.REFUSEE: RefusForm,
    Statut.TERMINEE: ClotureForm,
    Statut.ANNULEE: AnnulationForm,
}


def transition_form(vers: str, data=None) -> TransitionForm:
    """The form of the move to ``vers`` (fields prefixed by the target: ids stay unique)."""
    return TRANSITION_FORMS.get(vers, TransitionForm)(data, prefix=vers)


class RedirigerForm(StyledFormMixin, forms.Form):
    structure = StructureSelect(label="Nouvelle structure destinataire")
    mode = forms.ChoiceField(
        label="Comment la personne a-t-elle donné son accord pour cette structure ?",
        choices=MODES_CONSEILLER,
        widget=forms.RadioSelect,
    )
    commentaire = forms.CharField(
        label="Pourquoi cette structure ? (transmis aux deux structures)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accord = forms.BooleanField(
        label="La personne a donné son accord pour que ses données soient transmises à la "
        "nouvelle structure.",
        error_messages={"required": "L'accord de la personne est obligatoire pour la rediriger."},
    )

    def __init__(self, *args, destinations: StructureChoices, **kwargs):
        kwargs.setdefault("prefix", "rediriger")
        super().__init__(*args, **kwargs)
        self.destinations = destinations
        self.fields["structure"].choices = [("", "Choisissez une structure"), *destinations.choices]

    def structure_choisie(self) -> Structure:
        return self.destinations.structures[self.cleaned_data["structure"]]


class MessageForm(StyledFormMixin, forms.Form):
    texte = forms.CharField(
        label="Message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Le message est vide."},
        help_text="Visible par les deux structures. N'indiquez pas d'information de santé.",
    )
    fichier = forms.FileField(
        label="Pièce jointe (facultatif)",
        required=False,
        help_text="PDF, image, texte ou document, 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.txt,.odt,.docx"}),
    )


class RetraitForm(StyledFormMixin, forms.Form):
    confirmation = forms.BooleanField(
        label="Je confirme que la personne retire son consentement.",
        error_messages={"required": "Cochez la case pour confirmer le retrait du consentement."},
    )


# --- Inbox ------------------------------------------------------------------------------------


class InboxFilterForm(StyledFormMixin, forms.Form):
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous"), *Statut.choices]
    )
    structure = forms.TypedChoiceField(
        label="Structure", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, structures: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [("", "Toutes mes structures"), *structures]
        if len(structures) < 2:
            del self.fields["structure"]


# --- Co-accompaniment -------------------------------------------------------------------------


class AccompagnementForm(StyledFormMixin, forms.Form):
    intitule = forms.CharField(
        label="Intitulé",
        max_length=200,
        help_text="Par exemple « Saison d'hiver et projet de formation ».",
    )
    theme = forms.CharField(
        label="Thème (facultatif)",
        max_length=60,
        required=False,
        help_text="Par exemple « saisonniers ».",
    )
    structure = StructureSelect(label="Votre structure (référente)")
    associer = forms.BooleanField(required=False)

    def __init__(self, *args, structures: list[tuple[int, str]], autre=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = structures
        if len(structures) == 1:
            self.fields["structure"].widget = forms.HiddenInput()
            self.fields["structure"].initial = structures[0][0]
        if autre is None:
            del self.fields["associer"]
        else:
            self.fields["associer"].label = f"Associer aussi {autre.nom}"
            self.fields["associer"].initial = True


class MembreForm(StyledFormMixin, forms.Form):
    structure = StructureSelect(label="Structure")
    role = forms.ChoiceField(
        label="Rôle", choices=RoleAccompagnement.choices, initial=RoleAccompagnement.PARTENAIRE
    )
    niveau_acces = forms.ChoiceField(
        label="Accès",
        choices=NiveauAcces.choices,
        initial=NiveauAcces.PARCOURS,
        widget=forms.RadioSelect,
        help_text="L'accès complet demande que le consentement de la personne couvre la structure.",
    )

    def __init__(self, *args, destinations: StructureChoices, **kwargs):
        kwargs.setdefault("prefix", "membre")
        super().__init__(*args, **kwargs)
        self.destinations = destinations
        self.fields["structure"].choices = [("", "Choisissez une structure"), *destinations.choices]

    def structure_choisie(self) -> Structure:
        return self.destinations.structures[self.cleaned_data["structure"]]


class EvenementForm(StyledFormMixin, forms.Form):
    type = forms.ChoiceField(
        label="Type",
        choices=[(t.value, t.label) for t in TypeEvenement if t != TypeEvenement.MEMBRE],
    )
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    texte = forms.CharField(
        label="Texte",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Le texte est vide."},
        help_text="Visible par toutes les structures membres. N'indiquez pas d'information de "
        "santé.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "evenement")
        super().__init__(*args, **kwargs)


class ClotureAccompagnementForm(StyledFormMixin, forms.Form):
    motif = forms.ChoiceField(
        label="Motif de la clôture",
        choices=[("", "Choisissez un motif"), *MOTIFS_CLOTURE_CONSEILLER],
        error_messages={
            "required": "Choisissez le motif de la clôture.",
            "invalid_choice": "Choisissez un motif de clôture parmi ceux proposés.",
        },
    )
    note = forms.CharField(
        label="Note (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "La note ne doit pas dépasser %(limit_value)d caractères."},
        help_text="Inscrite au parcours partagé, visible par toutes les structures membres ; "
        "obligatoire pour « autre motif ». N'indiquez pas d'information de santé.",
    )
    confirmation = forms.BooleanField(
        label="Je confirme la clôture : le parcours ne pourra plus être complété.",
        error_messages={"required": "Cochez la case pour confirmer la clôture."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cloture")
        super().__init__(*args, **kwargs)


# --- Correcting a person's details ------------------------------------------------------------


class PersonneForm(StyledFormMixin, forms.Form):
    """The person's details; built with only the fields the user may see and correct."""

    prenom = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages={
            "required": "Le prénom est obligatoire.",
            "max_length": "Le prénom ne doit pas dépasser %(limit_value)d caractères.",
        },
    )
    nom = forms.CharField(
        label="Nom",
        max_length=100,
        required=False,
        error_messages={"max_length": "Le nom ne doit pas dépasser %(limit_value)d caractères."},
    )
    date_naissance = forms.DateField(
        label="Date de naissance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "La date de naissance n'est pas une date valable (jj/mm/aaaa).",
        },
    )
    commune = CommuneField(
        label="Commune de résidence",
        max_length=100,
        required=False,
        help_text="Nom, code postal ou code INSEE, par exemple « Chambéry » ou « 73065 ».",
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "communes-suggestions"}),
    )
    courriel = forms.EmailField(
        label="Adresse électronique",
        required=False,
        max_length=254,
        error_messages={"invalid": "L'adresse électronique n'est pas valable."},
    )
    telephone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        error_messages={
            "max_length": "Le téléphone ne doit pas dépasser %(limit_value)d caractères.",
        },
    )
    preference_contact = forms.ChoiceField(
        label="Préférence de contact",
        choices=PreferenceContact.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez la préférence de contact.",
            "invalid_choice": "Choisissez une préférence de contact parmi celles proposées.",
        },
    )
    contact_uniquement_ainsi = forms.BooleanField(
        label="Ne contacter la personne que de cette façon", required=False
    )
    # The record's ``modifiee_le`` when the form was shown (a change made since is refused).
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, champs: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "version" and name not in champs:
                del self.fields[name]

    @classmethod
    def initial_pour(cls, personne) -> dict:
        return {
            "prenom": personne.prenom,
            "nom": personne.nom,
            "date_naissance": personne.date_naissance,
            "commune": commune_label(personne.commune) if personne.commune else "",
            "courriel": personne.courriel,
            # As the pages show it ("04 65 …"); the same digits submitted back are no change.
            "telephone": telephone_affiche(personne.telephone),
            "preference_contact": personne.preference_contact,
            "contact_uniquement_ainsi": personne.contact_uniquement_ainsi,
            "version": personne.modifiee_le.isoformat(),
        }

    def donnees(self) -> dict:
        """The submitted values of the fields on the form (what the service may write)."""
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}

    def version_lue(self):
        try:
            return parse_datetime(self.cleaned_data.get("version") or "")
        except ValueError:
            return None
