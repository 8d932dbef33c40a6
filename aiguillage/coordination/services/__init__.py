"""Writes on working groups and sessions: every user-visible change is one atomic, audited
function here.

Each function checks its input and raises ``DonneesInvalides`` (French messages keyed by the
form field they concern) or ``ActionInterdite`` (the session's status forbids it, see
``workflow``) **before** writing anything; otherwise it writes the change and its audit event
in the same transaction. The session row is locked (``select_for_update``) while it changes, so
that two managers acting at once cannot both cancel it, or record attendance of a cancelled one.

``_commun`` (errors, required fields' messages), ``groupes`` (working groups), ``rencontres``
(sessions; they tell the invited structures after commit, see ``coordination.notifications``)
and ``abonnements`` (secret calendar links); everything public is importable from here.
"""

from aiguillage.coordination.services._commun import (
    NOMBRE_MAXIMUM,
    OBLIGATOIRES_GROUPE,
    OBLIGATOIRES_RENCONTRE,
    DonneesInvalides,
)
from aiguillage.coordination.services.abonnements import (
    lien_agenda_creer,
    lien_agenda_revoquer,
    lien_agenda_utilise,
)
from aiguillage.coordination.services.groupes import (
    ChampsGroupe,
    groupe_clore,
    groupe_create,
    groupe_modifier,
    groupe_rouvrir,
)
from aiguillage.coordination.services.rencontres import (
    CHAMPS_CALENDRIER,
    ChampsRencontre,
    rencontre_annuler,
    rencontre_create,
    rencontre_modifier,
    rencontre_presences_enregistrer,
)
from aiguillage.coordination.workflow import ActionInterdite

__all__ = [
    "CHAMPS_CALENDRIER",
    "NOMBRE_MAXIMUM",
    "OBLIGATOIRES_GROUPE",
    "OBLIGATOIRES_RENCONTRE",
    "ActionInterdite",
    "ChampsGroupe",
    "ChampsRencontre",
    "DonneesInvalides",
    "groupe_clore",
    "groupe_create",
    "groupe_modifier",
    "groupe_rouvrir",
    "lien_agenda_creer",
    "lien_agenda_revoquer",
    "lien_agenda_utilise",
    "rencontre_annuler",
    "rencontre_create",
    "rencontre_modifier",
    "rencontre_presences_enregistrer",
]
