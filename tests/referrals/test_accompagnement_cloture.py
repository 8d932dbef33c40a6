"""Closing a co-accompaniment: who may, what is recorded, who is told, and that it is read-only
afterwards (services and pages)."""

from __future__ import annotations

from html import unescape

import pytest
from django.core import mail
from django.utils import timezone

from aiguillage.accounts.models import Role
from aiguillage.core.models import AuditEvent
from aiguillage.directory.models import Reseau
from aiguillage.referrals import rights, services
from aiguillage.referrals.models import (
    Accompagnement,
    EvenementAccompagnement,
    MembreAccompagnement,
    Notification,
    TypeEvenement,
)
from aiguillage.referrals.workflow import TransitionInterdite
from tests.factories import (
    MembershipFactory,
    StructureFactory,
    adressage_au_statut,
    scene_adressage,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return unescape(response.content.decode())


def _url(acc, suffixe=""):
    return f"/adressages/accompagnements/{acc.public_id}/{suffixe}"


@pytest.fixture
def suivi():
    """France Travail (referent) and a Mission locale (co-referent) follow a person together;
    a CEP operator joins as a partner with the "parcours" level."""
    scene = scene_adressage()
    adressage, _ = adressage_au_statut("acceptee", scene)
    acc = services.accompagnement_create(
        personne=scene.personne,
        consentement=scene.consentement,
        intitule="Reconversion dans le soin",
        structure=scene.destinataire,
        acting_user=scene.recepteur,
        adressage=adressage,
    )
    services.accompagnement_membre_add(
        accompagnement=acc,
        structure=scene.emettrice,
        role="co_referent",
        niveau_acces="parcours",
        acting_user=scene.recepteur,
    )
    scene.partenaire_structure = StructureFactory(reseau=Reseau.CEP_ACTIFS_OCCUPES)
    services.accompagnement_membre_add(
        accompagnement=acc,
        structure=scene.partenaire_structure,
        role="partenaire",
        niveau_acces="parcours",
        acting_user=scene.recepteur,
    )
    scene.partenaire = MembershipFactory(structure=scene.partenaire_structure).user
    scene.accompagnement = acc
    Notification.objects.all().delete()
    mail.outbox.clear()
    return scene


CLORE = {
    "cloture-motif": "formation",
    "cloture-note": "Entrée en formation d'aide-soignante en septembre.",
    "cloture-confirmation": "on",
}


def test_the_referent_closes_from_the_page_and_everything_is_recorded(
    client, suivi, django_capture_on_commit_callbacks
):
    acc = suivi.accompagnement
    client.force_login(suivi.recepteur)
    page = body(client.get(_url(acc)))
    assert _url(acc, "clore/") in page
    assert 'for="id_cloture-motif"' in page  # labelled fields
    assert 'for="id_cloture-confirmation"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(acc, "clore/"), CLORE)

    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.clos_le is not None
    assert acc.motif_cloture == "formation"
    event = acc.evenements.get(type=TypeEvenement.CLOTURE)
    assert event.structure == suivi.destinataire
    assert event.auteur == suivi.recepteur
    assert event.date == timezone.localdate()
    assert "Entrée en formation" in event.texte
    assert "aide-soignante" in event.texte  # the note
    audit = AuditEvent.objects.get(action="update", object_type="referrals.accompagnement")
    assert audit.details == {"motif_cloture": "formation", "note": True}
    assert audit.structure_id == suivi.destinataire.pk
    assert "aide-soignante" not in str(audit.details) + audit.object_repr

    shown = body(client.get(_url(acc)))
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Clos le {today}" in shown
    assert "(entrée en formation)" in shown
    assert _url(acc, "evenements/") not in shown  # read-only: no form any more
    assert _url(acc, "membres/") not in shown
    assert _url(acc, "clore/") not in shown
    listing = body(client.get("/adressages/accompagnements/"))
    assert f"le {today} (entrée en formation)" in listing
    person_page = body(client.get(f"/adressages/personnes/{suivi.personne.public_id}/"))
    assert f"clos le {today} (entrée en formation)" in person_page


def test_the_other_members_are_told_without_the_persons_name(
    client, suivi, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(structure=suivi.destinataire).user
    with django_capture_on_commit_callbacks(execute=True):
        services.accompagnement_clore(
            accompagnement=suivi.accompagnement,
            auteur=suivi.recepteur,
            motif="projet_abouti",
            note=f"{suivi.personne.prenom} {suivi.personne.nom} a trouvé sa voie.",
        )

    notified = set(Notification.objects.values_list("utilisateur_id", flat=True))
    assert notified == {suivi.emetteur.pk, suivi.partenaire.pk, colleague.pk}  # not the author
    personne = suivi.personne
    intitule = suivi.accompagnement.intitule
    for notification in Notification.objects.all():
        assert notification.type == "accompagnement"
        assert notification.accompagnement_id == suivi.accompagnement.pk
        assert suivi.destinataire.nom in notification.texte
        assert "projet professionnel abouti" in notification.texte
        for secret in (personne.prenom, personne.nom, intitule, "trouvé sa voie"):
            assert secret not in notification.texte
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        for secret in (personne.prenom, personne.nom, intitule, "trouvé sa voie"):
            assert secret not in message.subject + message.body


def test_a_closed_co_accompaniment_refuses_new_events_and_members(client, suivi):
    acc = suivi.accompagnement
    services.accompagnement_clore(accompagnement=acc, auteur=suivi.recepteur, motif="emploi")
    events = EvenementAccompagnement.objects.count()
    troisieme = StructureFactory(reseau=Reseau.CAP_EMPLOI)

    with pytest.raises(TransitionInterdite, match="clos depuis le"):
        services.accompagnement_evenement_add(
            accompagnement=acc, acting_user=suivi.emetteur, type="note", texte="Encore un mot"
        )
    with pytest.raises(TransitionInterdite, match="aucune structure ne peut plus y être associée"):
        services.accompagnement_membre_add(
            accompagnement=acc,
            structure=troisieme,
            role="partenaire",
            niveau_acces="parcours",
            acting_user=suivi.recepteur,
        )
    with pytest.raises(TransitionInterdite, match="déjà clos"):
        services.accompagnement_clore(accompagnement=acc, auteur=suivi.emetteur, motif="autre")

    client.force_login(suivi.emetteur)
    note = client.post(
        _url(acc, "evenements/"),
        {"evenement-type": "note", "evenement-date": "2026-01-15", "evenement-texte": "RDV"},
    )
    membre = client.post(
        _url(acc, "membres/"),
        {
            "membre-structure": troisieme.pk,
            "membre-role": "partenaire",
            "membre-niveau_acces": "parcours",
        },
    )
    again = client.post(_url(acc, "clore/"), CLORE)

    assert note.status_code == 409
    assert "le parcours partagé ne peut plus être complété" in body(note)
    assert membre.status_code == 409
    assert "aucune structure ne peut plus y être associée" in body(membre)
    assert again.status_code == 409
    assert "déjà clos" in body(again)
    assert EvenementAccompagnement.objects.count() == events
    assert not MembreAccompagnement.objects.filter(structure=troisieme).exists()
    acc.refresh_from_db()
    assert acc.motif_cloture == "emploi"


def test_a_co_referent_may_close_a_partner_may_not(client, suivi):
    acc = suivi.accompagnement
    client.force_login(suivi.partenaire)

    page = body(client.get(_url(acc)))
    refused = client.post(_url(acc, "clore/"), CLORE)

    assert _url(acc, "clore/") not in page
    assert "La clôture revient à une structure référente ou co-référente." in page
    assert refused.status_code == 409
    assert "Seule une structure référente ou co-référente" in body(refused)
    acc.refresh_from_db()
    assert acc.clos_le is None
    assert not Notification.objects.exists()

    # The Mission locale co-refers with the "parcours" level: it may close.
    client.force_login(suivi.emetteur)
    assert _url(acc, "clore/") in body(client.get(_url(acc)))
    assert client.post(_url(acc, "clore/"), CLORE).status_code == 302
    acc.refresh_from_db()
    assert acc.motif_cloture == "formation"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cloture-confirmation": "on"}, "Choisissez le motif de la clôture."),
        ({"cloture-motif": "autre", "cloture-confirmation": "on"}, "demande une note"),
        ({"cloture-motif": "emploi"}, "Cochez la case pour confirmer la clôture."),
        (
            {"cloture-motif": "effacement", "cloture-confirmation": "on"},
            "Choisissez un motif de clôture parmi ceux proposés.",
        ),
    ],
)
def test_bad_input_closes_nothing(client, suivi, data, message):
    client.force_login(suivi.recepteur)

    response = client.post(_url(suivi.accompagnement, "clore/"), data)

    assert response.status_code == 400
    assert message in body(response)
    suivi.accompagnement.refresh_from_db()
    assert suivi.accompagnement.clos_le is None
    assert not EvenementAccompagnement.objects.filter(type=TypeEvenement.CLOTURE).exists()


def test_the_service_refuses_the_erasure_reason_and_non_members(suivi):
    with pytest.raises(services.DonneesInvalides) as exc:
        services.accompagnement_clore(
            accompagnement=suivi.accompagnement, auteur=suivi.recepteur, motif="effacement"
        )
    assert "motif" in exc.value.erreurs
    with pytest.raises(TransitionInterdite, match="Seules les structures membres"):
        services.accompagnement_clore(
            accompagnement=suivi.accompagnement,
            auteur=MembershipFactory().user,
            motif="emploi",
        )
    assert Accompagnement.objects.get().clos_le is None


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
def test_outsiders_get_404_and_close_nothing(client, suivi, role):
    client.force_login(user_with_role(role))
    acc = suivi.accompagnement

    assert client.get(_url(acc)).status_code == 404
    assert client.post(_url(acc, "clore/"), CLORE).status_code == 404
    acc.refresh_from_db()
    assert acc.clos_le is None
    assert not AuditEvent.objects.filter(
        action="update", object_type="referrals.accompagnement"
    ).exists()


def test_the_erasure_closes_with_its_own_reason(suivi):
    responsable = MembershipFactory(structure=suivi.emettrice, role=Role.RESPONSABLE_STRUCTURE).user

    rights.personne_effacer(personne=suivi.personne, acting_user=responsable)

    acc = Accompagnement.objects.get()
    assert acc.clos_le is not None
    assert acc.motif_cloture == "effacement"
