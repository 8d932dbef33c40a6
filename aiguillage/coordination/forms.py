"""Forms of the coordination pages.

Concept map:

- ``Choix``: what a user may pick, read once per page: the structures they may organise for,
  the structures they may invite (their régions' and the national ones, grouped by
  département), the working groups they see, the départements of their régions;
- ``FiltresForm``: the sessions list's filters (kind, département, group, upcoming or past);
- ``RencontreForm``: plan or change a session; ``champs()`` gives the service its
  ``ChampsRencontre`` (the rules themselves are the service's, its messages come back on the
  fields);
- ``PresencesForm``: one « présente / absente » choice and an optional number of people per
  invited structure;
- ``AnnulationForm``, ``GroupeForm``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from aiguillage.accounts.access import is_administrateur
from aiguillage.coordination import access
from aiguillage.coordination.models import (
    GroupeTravail,
    Invitation,
    Presence,
    Rencontre,
    TypeRencontre,
)
from aiguillage.coordination.selectors import Periode
from aiguillage.coordination.services import (
    OBLIGATOIRES_GROUPE,
    OBLIGATOIRES_RENCONTRE,
    ChampsGroupe,
    ChampsRencontre,
)
from aiguillage.core.forms import StyledFormMixin
from aiguillage.directory.models import Reseau, Structure
from aiguillage.territories.models import Departement

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


@dataclass
class GroupeStructures:
    """Structures of one département (or « niveau régional », « national ») for a checkbox list."""

    cle: str
    libelle: str
    structures: list[Structure] = field(default_factory=list)


@dataclass
class Choix:
    organisables: list[Structure]
    invitables: list[Structure]
    groupes: list[GroupeTravail]
    departements: list[Departement]

    @classmethod
    def pour(
        cls,
        user,
        *,
        groupe_courant: GroupeTravail | None = None,
        en_plus: tuple[int, ...] = (),
        organisatrice: Structure | None = None,
    ) -> Choix:
        """Four queries, whatever the number of structures. ``groupe_courant``, the current
        ``organisatrice`` and the structures ``en_plus`` (those already invited, when changing a
        session) stay offered even outside the user's scope, so that saving again keeps them."""
        organisables = list(
            access.structures_organisables(user)
            .select_related("departement")
            .only("pk", "nom", "reseau", "region_id", "departement__nom", "departement__code")
            .order_by("nom", "pk")
        )
        if organisatrice is not None and all(s.pk != organisatrice.pk for s in organisables):
            organisables.append(organisatrice)
        regions = {s.region_id for s in organisables if s.region_id}
        invitables = Structure.objects.select_related("departement").only(
            "pk", "nom", "reseau", "region_id", "departement__nom", "departement__code"
        )
        departements = Departement.objects.all()
        if not is_administrateur(user):
            invitables = invitables.filter(
                Q(region_id__in=regions) | Q(region__isnull=True) | Q(pk__in=en_plus)
            )
            departements = departements.filter(region_id__in=regions)
        groupes = access.groupes_for_user(user=user).filter(clos_le__isnull=True)
        if groupe_courant is not None:
            groupes = groupes | GroupeTravail.objects.filter(pk=groupe_courant.pk)
        return cls(
            organisables=organisables,
            invitables=list(invitables.order_by("departement_id", "nom", "pk")),
            groupes=list(groupes.distinct().order_by("nom", "pk")),
            departements=list(departements.order_by("code")),
        )

    def structure_choices(self) -> list:
        """The organisers, grouped by network (a ``<select>`` with ``<optgroup>``)."""
        groupes = []
        for reseau in Reseau:
            membres = [(s.pk, s.nom) for s in self.organisables if s.reseau == reseau]
            if membres:
                groupes.append((reseau.label, membres))
        return groupes

    def par_departement(self) -> list[GroupeStructures]:
        groupes: dict[str, GroupeStructures] = {}
        for s in self.invitables:
            if s.departement_id:
                cle, libelle = s.departement_id, f"{s.departement.nom} ({s.departement_id})"
            elif s.region_id:
                cle, libelle = "region", "Niveau régional"
            else:
                cle, libelle = "national", "Niveau national"
            groupes.setdefault(cle, GroupeStructures(cle, libelle)).structures.append(s)
        # the régional level first, then the départements by code, the national level last
        ordre = {"region": 0, "national": 2}
        return sorted(groupes.values(), key=lambda g: (ordre.get(g.cle, 1), g.cle))


def structures_cochees(form: forms.Form, nom: str, choix: Choix) -> tuple[list, set[int]]:
    """The département groups for the checkbox list of field ``nom`` and the checked ids."""
    valeur = form[nom].value() or []
    cochees = set()
    for v in valeur:
        try:
            cochees.add(int(v))
        except (TypeError, ValueError):
            continue
    return choix.par_departement(), cochees


def _obligatoires(form: forms.Form, messages: dict[str, str]) -> None:
    """Mark the fields the service requires (labels show it), with the service's message: the
    service checks them again, with the rules that span several fields."""
    for name, message in messages.items():
        form.fields[name].required = True
        form.fields[name].error_messages["required"] = message


class FiltresForm(StyledFormMixin, forms.Form):
    periode = forms.ChoiceField(
        label="Période",
        choices=[(Periode.A_VENIR, "À venir"), (Periode.PASSEES, "Passées")],
        required=False,
    )
    type = forms.ChoiceField(label="Type", required=False)
    departement = forms.ChoiceField(label="Département", required=False)
    groupe = forms.ChoiceField(label="Groupe de travail", required=False)

    def __init__(self, *args, departements, groupes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous les types"), *TypeRencontre.choices]
        self.fields["departement"].choices = [("", "Tous les départements")] + [
            (d.code, f"{d.nom} ({d.code})") for d in departements
        ]
        self._groupes = {str(g.public_id): g for g in groupes}
        self.fields["groupe"].choices = [("", "Tous les groupes")] + [
            (str(g.public_id), g.nom) for g in groupes
        ]

    def filtres(self) -> dict:
        """Valid filters only: a value not offered is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "periode": data.get("periode") or Periode.A_VENIR,
            "type": data.get("type") or "",
            "departement": data.get("departement") or "",
            "groupe": self._groupes.get(data.get("groupe") or ""),
        }


class RencontreForm(StyledFormMixin, forms.Form):
    type = forms.ChoiceField(
        label="Type de rencontre",
        choices=TypeRencontre.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    intitule = forms.CharField(label="Intitulé", max_length=200, required=False)
    groupe = forms.ChoiceField(label="Groupe de travail", required=False)
    organisatrice = forms.TypedChoiceField(
        label="Structure organisatrice", coerce=int, empty_value=None, required=False
    )
    departement = forms.ChoiceField(
        label="Département concerné",
        required=False,
        help_text="Laissez « toute la région » pour une rencontre régionale.",
    )
    debut = forms.DateTimeField(
        label="Début", input_formats=[DATETIME_FORMAT], widget=DateHeureInput(), required=False
    )
    fin = forms.DateTimeField(
        label="Fin", input_formats=[DATETIME_FORMAT], widget=DateHeureInput(), required=False
    )
    lieu = forms.CharField(
        label="Lieu",
        max_length=250,
        required=False,
        help_text="Adresse ou salle ; vide si la rencontre a lieu seulement à distance.",
    )
    a_distance = forms.BooleanField(label="À distance (visioconférence)", required=False)
    theme = forms.CharField(
        label="Thème",
        max_length=60,
        required=False,
        help_text="Facultatif ; vide : le thème du groupe de travail.",
    )
    description = forms.CharField(
        label="Description ou ordre du jour",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ne nommez pas de personnes accompagnées.",
    )
    invitees = forms.TypedMultipleChoiceField(
        label="Structures invitées", coerce=int, required=False
    )
    inviter_membres_groupe = forms.BooleanField(
        label="Inviter aussi toutes les structures membres du groupe de travail", required=False
    )

    def __init__(self, *args, choix: Choix, **kwargs):
        super().__init__(*args, **kwargs)
        self.choix = choix
        self._groupes = {str(g.public_id): g for g in choix.groupes}
        self._structures = {s.pk: s for s in (*choix.invitables, *choix.organisables)}
        self._departements = {d.code: d for d in choix.departements}
        self.fields["groupe"].choices = [("", "Aucun")] + [
            (str(g.public_id), g.nom) for g in choix.groupes
        ]
        self.fields["organisatrice"].choices = [("", "Choisir…"), *choix.structure_choices()]
        self.fields["departement"].choices = [("", "Toute la région")] + [
            (d.code, f"{d.nom} ({d.code})") for d in choix.departements
        ]
        self.fields["invitees"].choices = [(s.pk, s.nom) for s in choix.invitables]
        _obligatoires(self, OBLIGATOIRES_RENCONTRE)

    @classmethod
    def initial_de(cls, rencontre: Rencontre) -> dict:
        return {
            "type": rencontre.type,
            "intitule": rencontre.intitule,
            "groupe": str(rencontre.groupe.public_id) if rencontre.groupe_id else "",
            "organisatrice": rencontre.organisatrice_id,
            "departement": rencontre.departement_id or "",
            "debut": rencontre.debut,
            "fin": rencontre.fin,
            "lieu": rencontre.lieu,
            "a_distance": rencontre.a_distance,
            "theme": rencontre.theme,
            "description": rencontre.description,
            "invitees": [i.structure_id for i in rencontre.invitations.all()],
        }

    def groupe_choisi(self) -> GroupeTravail | None:
        return self._groupes.get(self.cleaned_data.get("groupe") or "")

    def champs(self) -> ChampsRencontre:
        data = self.cleaned_data
        groupe = self.groupe_choisi()
        invitees = [self._structures[pk] for pk in data.get("invitees") or []]
        if groupe is not None and data.get("inviter_membres_groupe"):
            invitees += list(groupe.membres.all())
            if groupe.animatrice_id not in {s.pk for s in invitees}:
                invitees.append(groupe.animatrice)
        organisatrice = data.get("organisatrice")
        return ChampsRencontre(
            type=data.get("type") or "",
            intitule=data.get("intitule") or "",
            debut=data.get("debut"),
            fin=data.get("fin"),
            organisatrice=self._structures.get(organisatrice) if organisatrice else None,
            invitees=invitees,
            lieu=data.get("lieu") or "",
            a_distance=bool(data.get("a_distance")),
            groupe=groupe,
            departement=self._departements.get(data.get("departement") or ""),
            theme=data.get("theme") or "",
            description=data.get("description") or "",
        )


class AnnulationForm(StyledFormMixin, forms.Form):
    motif = forms.CharField(
        label="Motif (communiqué aux structures invitées)",
        max_length=300,
        required=False,
    )
    confirmation = forms.BooleanField(
        label="Je confirme l'annulation de cette rencontre",
        error_messages={"required": "Cochez la case pour confirmer l'annulation."},
    )


class PresencesForm(StyledFormMixin, forms.Form):
    """Fields ``presence_<structure id>`` and ``nombre_<structure id>`` per invitation."""

    def __init__(self, *args, invitations: list[Invitation], **kwargs):
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        for invitation in invitations:
            pk = invitation.structure_id
            self.fields[f"presence_{pk}"] = forms.ChoiceField(
                label=f"Présence de {invitation.structure.nom}",
                choices=Presence.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                initial=invitation.presence or None,
            )
            self.fields[f"nombre_{pk}"] = forms.IntegerField(
                label=f"Nombre de personnes de {invitation.structure.nom}",
                required=False,
                min_value=0,
                initial=invitation.nombre_personnes,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control"}),
            )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # the table shows the error under the field, tied to it
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"

    def lignes(self):
        for invitation in self.invitations:
            pk = invitation.structure_id
            yield invitation, self[f"presence_{pk}"], self[f"nombre_{pk}"]

    def presences(self) -> dict[int, tuple[str, int | None]]:
        data = self.cleaned_data
        return {
            i.structure_id: (
                data.get(f"presence_{i.structure_id}") or "",
                data.get(f"nombre_{i.structure_id}"),
            )
            for i in self.invitations
        }


class GroupeForm(StyledFormMixin, forms.Form):
    nom = forms.CharField(label="Nom du groupe", max_length=150, required=False)
    theme = forms.CharField(
        label="Thème",
        max_length=60,
        required=False,
        help_text="Par exemple « ingénierie financière » ou « saisonniers ».",
    )
    description = forms.CharField(
        label="Objet",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    animatrice = forms.TypedChoiceField(
        label="Structure animatrice", coerce=int, empty_value=None, required=False
    )
    departements = forms.MultipleChoiceField(
        label="Départements couverts",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : toute la région.",
    )
    membres = forms.TypedMultipleChoiceField(label="Structures membres", coerce=int, required=False)

    def __init__(self, *args, choix: Choix, **kwargs):
        super().__init__(*args, **kwargs)
        self.choix = choix
        self._structures = {s.pk: s for s in (*choix.invitables, *choix.organisables)}
        self._departements = {d.code: d for d in choix.departements}
        self.fields["animatrice"].choices = [("", "Choisir…"), *choix.structure_choices()]
        self.fields["departements"].choices = [
            (d.code, f"{d.nom} ({d.code})") for d in choix.departements
        ]
        self.fields["membres"].choices = [(s.pk, s.nom) for s in choix.invitables]
        _obligatoires(self, OBLIGATOIRES_GROUPE)

    @classmethod
    def initial_de(cls, groupe: GroupeTravail) -> dict:
        return {
            "nom": groupe.nom,
            "theme": groupe.theme,
            "description": groupe.description,
            "animatrice": groupe.animatrice_id,
            "departements": [d.pk for d in groupe.departements.all()],
            "membres": [s.pk for s in groupe.membres.all()],
        }

    def champs(self) -> ChampsGroupe:
        data = self.cleaned_data
        animatrice = data.get("animatrice")
        return ChampsGroupe(
            nom=data.get("nom") or "",
            theme=data.get("theme") or "",
            description=data.get("description") or "",
            animatrice=self._structures.get(animatrice) if animatrice else None,
            membres=[self._structures[pk] for pk in data.get("membres") or []],
            departements=[self._departements[c] for c in data.get("departements") or []],
        )
