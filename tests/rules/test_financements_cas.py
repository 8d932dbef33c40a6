"""Runs the funding cases written in YAML (``tests/rules/cas_financements/*.yaml``): one test each.

A case, readable by a counsellor::

    - nom: Salarié sans diplôme, crédit majoré
      commentaire: facultatif
      date: 2026-03-02
      situation: {activite: salarie, contrat: cdi, diplome_niveau: 0}
      attendu:
        statuts: {cpf: eligible}              # eligible, a_verifier or non_eligible
        eligibles: [cpf, ptp]                  # optional: exactly these schemes are eligible
        textes: {cpf: ["800 €", "8 000 €"]}    # optional: words found on the scheme's card
        sans_textes: {cpf: ["5 000 €"]}        # optional: words that must not be there
        a_preciser: [diplome_niveau]           # optional: these questions are asked
        pas_a_preciser: [temps_travail]        # optional: these are not asked
    - nom: Un projet inconnu est refusé
      situation: {activite: salarie, projet: voyage}
      attendu: {erreurs: [projet]}             # the fields reported as wrong

The card's text is everything a counsellor reads about a scheme: its motif, its conditions and
why, its amounts, what to check, who decides.
"""

from __future__ import annotations

import datetime
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiguillage.rules.financements import evaluer_financements
from aiguillage.rules.financements.moteur import STATUTS, catalogue
from aiguillage.rules.situation import SituationInvalide

CAS = Path(__file__).resolve().parent / "cas_financements"
_CLES_CAS = {"nom", "date", "situation", "attendu", "commentaire"}
_CLES_ATTENDU = {
    "statuts",
    "eligibles",
    "textes",
    "sans_textes",
    "a_preciser",
    "pas_a_preciser",
    "erreurs",
}


def _tous_les_cas() -> list[tuple[str, dict[str, Any]]]:
    cas, noms = [], set()
    for fichier in sorted(CAS.glob("*.yaml")):
        for un in yaml.safe_load(fichier.read_text(encoding="utf-8")):
            assert isinstance(un, dict) and {"nom", "situation", "attendu"} <= set(un), fichier
            assert not set(un) - _CLES_CAS, (fichier.name, un["nom"], set(un) - _CLES_CAS)
            assert not set(un["attendu"]) - _CLES_ATTENDU, (fichier.name, un["nom"])
            assert un["nom"] not in noms, f"nom déjà pris : {un['nom']}"
            noms.add(un["nom"])
            cas.append((fichier.name, un))
    return cas


CAS_FINANCEMENTS = _tous_les_cas()


def _identifiant(nom: str) -> str:
    """An ASCII test id from the case's name (« Salarié sans diplôme » → salarie-sans-diplome)."""
    texte = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in texte).lower().split())


def _texte_de(entree: dict[str, Any]) -> str:
    morceaux = [entree["motif"], entree["decideur"], *entree["a_savoir"]]
    for condition in entree["conditions"]:
        morceaux += [condition["condition"], condition["detail"]]
    for montant in entree["montants"]:
        morceaux += [montant["libelle"], montant["affichage"]]
    return "\n".join(morceaux)


def _ecarts(attendu: dict[str, Any], reponse: dict[str, Any]) -> list[str]:
    entrees = {
        e["dispositif"]: e
        for groupe in ("eligibles", "a_verifier", "non_eligibles")
        for e in reponse[groupe]
    }
    assert set(entrees) == set(catalogue())
    ecarts = []
    for dispositif, statut in attendu.get("statuts", {}).items():
        assert statut in STATUTS, statut
        if entrees[dispositif]["statut"] != statut:
            ecarts.append(
                f"{dispositif} : attendu {statut}, obtenu {entrees[dispositif]['statut']} "
                f"({entrees[dispositif]['motif']})"
            )
    if "eligibles" in attendu:
        obtenus = {e["dispositif"] for e in reponse["eligibles"]}
        if obtenus != set(attendu["eligibles"]):
            ecarts.append(f"éligibles : attendu {sorted(attendu['eligibles'])}, obtenu "
                          f"{sorted(obtenus)}")  # fmt: skip
    for dispositif, textes in attendu.get("textes", {}).items():
        texte = _texte_de(entrees[dispositif])
        ecarts += [f"{dispositif} : « {t} » absent de :\n{texte}" for t in textes if t not in texte]
    for dispositif, textes in attendu.get("sans_textes", {}).items():
        texte = _texte_de(entrees[dispositif])
        ecarts += [f"{dispositif} : « {t} » présent dans :\n{texte}" for t in textes if t in texte]
    demandes = {q["champ"] for q in reponse["a_preciser"]}
    manquantes = set(attendu.get("a_preciser", [])) - demandes
    if manquantes:
        ecarts.append(f"a_preciser : {sorted(manquantes)} non demandés ({sorted(demandes)})")
    en_trop = set(attendu.get("pas_a_preciser", [])) & demandes
    if en_trop:
        ecarts.append(f"a_preciser : {sorted(en_trop)} demandés à tort")
    return ecarts


@pytest.mark.parametrize(
    ("fichier", "cas"),
    [pytest.param(f, c, id=_identifiant(c["nom"])) for f, c in CAS_FINANCEMENTS],
)
def test_cas(fichier: str, cas: dict[str, Any]):
    date = cas.get("date")
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    attendu = cas["attendu"]
    try:
        reponse = evaluer_financements(cas["situation"], date=date)
    except SituationInvalide as erreur:
        if "erreurs" not in attendu:
            raise
        assert set(erreur.par_champ) == set(attendu["erreurs"]), (cas["nom"], erreur.erreurs)
        return
    assert "erreurs" not in attendu, f"{cas['nom']} : erreur attendue, la demande passe"
    ecarts = _ecarts(attendu, reponse)
    if ecarts:
        pytest.fail(
            f"Cas « {cas['nom']} » ({fichier})\n" + "\n".join(ecarts) + f"\n{reponse['resume']}",
            pytrace=False,
        )


def test_au_moins_30_cas_et_chaque_dispositif_des_deux_cotes():
    assert len(CAS_FINANCEMENTS) >= 30
    vus: dict[str, set[str]] = {d: set() for d in catalogue()}
    for _, cas in CAS_FINANCEMENTS:
        for dispositif, statut in cas["attendu"].get("statuts", {}).items():
            vus[dispositif].add(statut)
        for dispositif in cas["attendu"].get("eligibles", []):
            vus[dispositif].add("eligible")
    # Pro-A always waits for the branch's list of certifications; the Région's rules vary.
    jamais_eligibles = {"pro_a": {"a_verifier", "non_eligible"}, "region": {"a_verifier"}}
    for dispositif, statuts in vus.items():
        attendus = jamais_eligibles.get(dispositif, {"eligible", "non_eligible"})
        assert attendus <= statuts, (dispositif, statuts)
