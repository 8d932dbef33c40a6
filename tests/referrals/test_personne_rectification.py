"""Correcting a person's details (right to rectification): who may, which fields, validation,
the normalised names and the audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.referrals import services
from aiguillage.referrals.models import Personne
from aiguillage.territories.models import Commune
from aiguillage.territories.search import normalise
from tests.factories import (
    MembershipFactory,
    PersonneFactory,
    adressage_envoye,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db

NE_LE = date(1990, 5, 17)


def body(response) -> str:
    return unescape(response.content.decode())


def _url(personne, suffixe="modifier/"):
    return f"/adressages/personnes/{personne.public_id}/{suffixe}"


@pytest.fixture
def dossier():
    """A person recorded by a Mission locale and sent to France Travail; the consent shares the
    commune but not the birth date."""
    scene = scene_adressage(donnees=["commune"])
    Personne.objects.filter(pk=scene.personne.pk).update(
        prenom="Zoé",
        nom="Exemple",
        date_naissance=NE_LE,
        commune=Commune.objects.get(pk="73065"),
        courriel="zoe.exemple@exemple.test",
        telephone="01 99 00 12 34",
        preference_contact="telephone",
    )
    scene.personne.refresh_from_db()
    scene.adressage = adressage_envoye(scene)
    return scene


def _form(personne, **changes) -> dict:
    """What the page posts back: the current values and ``changes``."""
    data = {
        "prenom": personne.prenom,
        "nom": personne.nom,
        "date_naissance": personne.date_naissance.isoformat() if personne.date_naissance else "",
        "commune": f"{personne.commune.nom} ({personne.commune.code})" if personne.commune else "",
        "courriel": personne.courriel,
        "telephone": personne.telephone,
        "preference_contact": personne.preference_contact,
        "version": personne.modifiee_le.isoformat(),
    }
    if personne.contact_uniquement_ainsi:
        data["contact_uniquement_ainsi"] = "on"
    data.update(changes)
    return data


def _updates():
    return AuditEvent.objects.filter(action="update", object_type="referrals.personne")


def test_the_sender_corrects_the_names_and_contact_details(client, dossier):
    personne = dossier.personne
    client.force_login(dossier.emetteur)

    fiche = body(client.get(_url(personne, "")))
    page = client.get(_url(personne))
    response = client.post(
        _url(personne),
        _form(
            personne,
            prenom="  Zoë ",
            nom="Exemple-Martin",
            telephone="01 99 00 56 78",
            date_naissance="1990-06-17",
            commune="73008",
        ),
    )

    assert _url(personne) in fiche  # "Corriger les informations"
    assert page.status_code == 200
    html = body(page)
    for label in ("Prénom", "Nom", "Date de naissance", "Commune de résidence", "Téléphone"):
        assert f">{label}" in html
    assert 'value="1990-05-17"' in html
    assert response.status_code == 302
    personne.refresh_from_db()
    assert (personne.prenom, personne.nom) == ("Zoë", "Exemple-Martin")
    assert personne.prenom_normalise == normalise("Zoë") == "zoe"
    assert personne.nom_normalise == normalise("Exemple-Martin")
    assert personne.telephone == "01 99 00 56 78"
    assert personne.date_naissance == date(1990, 6, 17)
    assert personne.commune_id == "73008"
    assert personne.courriel == "zoe.exemple@exemple.test"  # untouched
    # Duplicate detection now finds the record under its corrected names.
    found = services.personne_doublons(
        prenom="ZOE", nom="exemple martin", date_naissance=date(1990, 6, 17)
    )
    assert list(found) == [personne]
    event = _updates().get()
    assert event.actor_id == dossier.emetteur.pk
    assert event.structure_id == dossier.emettrice.pk
    assert event.object_repr == f"Personne {personne.public_id}"
    assert event.details == {
        "rectification": True,
        "champs_modifies": ["prenom", "nom", "date_naissance", "commune", "telephone"],
    }
    logged = str(event.details) + event.object_repr
    for value in ("Zoë", "Martin", "56 78", "1990", "73008"):
        assert value not in logged
    after = body(client.get(response.url))
    assert "Fiche corrigée (prénom, nom, date de naissance, commune de résidence, téléphone)" in (
        after
    )


def test_the_receiver_neither_sees_nor_overwrites_what_the_consent_hides(client, dossier):
    personne = dossier.personne
    client.force_login(dossier.recepteur)

    page = body(client.get(_url(personne)))
    response = client.post(
        _url(personne),
        _form(personne, date_naissance="2001-01-01", telephone="01 99 00 99 99"),
    )

    assert "Date de naissance" not in page
    assert "1990-05-17" not in page and "17/05/1990" not in page
    assert 'name="date_naissance"' not in page
    assert 'name="commune"' in page  # shared by the consent
    assert 'name="courriel"' in page  # contact details are always shared
    assert response.status_code == 302
    personne.refresh_from_db()
    assert personne.date_naissance == NE_LE  # the hidden field was ignored
    assert personne.telephone == "01 99 00 99 99"
    assert _updates().get().details["champs_modifies"] == ["telephone"]
    # The service refuses it too, naming the field.
    with pytest.raises(services.DonneesInvalides) as exc:
        services.personne_modifier(
            personne=personne, acting_user=dossier.recepteur, data={"date_naissance": None}
        )
    assert "« date de naissance »" in exc.value.erreurs["date_naissance"]
    personne.refresh_from_db()
    assert personne.date_naissance == NE_LE


@pytest.mark.parametrize(
    "role",
    [
        Role.CONSEILLER,
        Role.RESPONSABLE_STRUCTURE,
        Role.COORDINATEUR_REGIONAL,
        Role.ANALYSTE,
        Role.ADMINISTRATEUR,
    ],
)
def test_anybody_from_another_structure_gets_404(client, dossier, role):
    personne = dossier.personne
    client.force_login(user_with_role(role))

    assert client.get(_url(personne)).status_code == 404
    assert client.post(_url(personne), _form(personne, nom="Pirate")).status_code == 404
    personne.refresh_from_db()
    assert personne.nom == "Exemple"
    assert not _updates().exists()


def test_the_receiver_gets_404_once_the_consent_is_withdrawn(client, dossier):
    services.consentement_retirer(consentement=dossier.consentement, acting_user=dossier.emetteur)
    client.force_login(dossier.recepteur)

    assert client.get(_url(dossier.personne)).status_code == 404
    assert client.post(_url(dossier.personne), _form(dossier.personne)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prenom": "  "}, "Prénom : Le prénom est obligatoire."),
        (
            {"courriel": "", "telephone": ""},
            "Indiquez au moins un moyen de contact : courriel ou téléphone.",
        ),
        (
            {"courriel": "", "preference_contact": "courriel"},
            "La préférence de contact demande une adresse électronique.",
        ),
        ({"courriel": "pas-une-adresse"}, "L'adresse électronique n'est pas valable."),
        ({"telephone": "appelez-moi"}, "Le téléphone « appelez-moi » n'est pas un numéro valable"),
        ({"date_naissance": "17/05/1990x"}, "La date de naissance n'est pas une date valable"),
        (
            {"date_naissance": (date.today() + timedelta(days=2)).isoformat()},
            "La date de naissance doit être comprise entre",
        ),
        ({"commune": "Nullepart-sur-Rien"}, "Aucune commune ne correspond"),
        (
            {"preference_contact": "pigeon"},
            "Préférence de contact : Choisissez une préférence de contact parmi celles proposées.",
        ),
    ],
)
def test_invalid_input_names_the_field_and_changes_nothing(client, dossier, changes, message):
    personne = dossier.personne
    client.force_login(dossier.emetteur)

    response = client.post(_url(personne), _form(personne, **changes))

    assert response.status_code == 400
    assert message in re.sub(r"<[^>]+>", "", body(response))  # the summary: "Label : message"
    assert Personne.objects.get(pk=personne.pk).modifiee_le == personne.modifiee_le
    assert not _updates().exists()


def test_a_record_changed_meanwhile_is_not_overwritten(client, dossier):
    personne = dossier.personne
    stale = _form(personne, nom="Exemple-Durand")
    services.personne_modifier(
        personne=personne, acting_user=dossier.recepteur, data={"telephone": "01 99 00 00 01"}
    )
    client.force_login(dossier.emetteur)

    response = client.post(_url(personne), stale)

    assert response.status_code == 409
    assert "modifiée par quelqu'un d'autre" in body(response)
    personne.refresh_from_db()
    assert personne.nom == "Exemple"
    assert personne.telephone == "01 99 00 00 01"


def test_nothing_changed_writes_nothing(client, dossier):
    client.force_login(dossier.emetteur)

    response = client.post(_url(dossier.personne), _form(dossier.personne))

    assert response.status_code == 302
    assert "Aucune modification" in body(client.get(response.url))
    assert not _updates().exists()


def test_a_phone_stored_internationally_is_shown_as_read_and_unchanged_when_posted_back(
    client, dossier
):
    """The form shows "+33199001234" the way the pages do; posting it back as shown is no
    change (nothing written, nothing in the audit log), and a different number still is one."""
    Personne.objects.filter(pk=dossier.personne.pk).update(telephone="+33199001234")
    dossier.personne.refresh_from_db()
    client.force_login(dossier.emetteur)

    page = body(client.get(_url(dossier.personne)))
    assert 'value="01 99 00 12 34"' in page
    response = client.post(
        _url(dossier.personne), _form(dossier.personne, telephone="01 99 00 12 34")
    )

    assert response.status_code == 302
    assert "Aucune modification" in body(client.get(response.url))
    assert not _updates().exists()
    dossier.personne.refresh_from_db()
    assert dossier.personne.telephone == "+33199001234"

    client.post(_url(dossier.personne), _form(dossier.personne, telephone="01 99 00 12 35"))
    dossier.personne.refresh_from_db()
    assert dossier.personne.telephone == "01 99 00 12 35"
    assert _updates().get().details["champs_modifies"] == ["telephone"]


def test_a_full_access_co_accompaniment_member_may_correct(client, dossier):
    """A member with full access sees (and corrects) what the co-accompaniment's consent
    shares; a partner with the "parcours" level has no person page at all."""
    acc = services.accompagnement_create(
        personne=dossier.personne,
        consentement=dossier.consentement,
        intitule="Suivi",
        structure=dossier.destinataire,
        acting_user=dossier.recepteur,
    )
    partenaire = MembershipFactory().user
    services.accompagnement_membre_add(
        accompagnement=acc,
        structure=partenaire.memberships.get().structure,
        role="partenaire",
        niveau_acces="parcours",
        acting_user=dossier.recepteur,
    )
    client.force_login(partenaire)

    assert client.get(_url(dossier.personne)).status_code == 404


def test_an_anonymised_person_cannot_be_corrected(dossier):
    other = PersonneFactory(structure_creatrice=dossier.emettrice)
    Personne.objects.filter(pk=other.pk).update(fusionnee_dans=dossier.personne)

    with pytest.raises(services.TransitionInterdite, match="effacée ou fusionnée"):
        services.personne_modifier(
            personne=other, acting_user=dossier.emetteur, data={"nom": "Autre"}
        )
