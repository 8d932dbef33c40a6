"""Collects the rule cases written in YAML (``tests/rules/cas/*.yaml``): one test per case.

A case, readable by a counsellor::

    - nom: Jeune de 19 ans sorti du lycée, sans emploi, inscrit à France Travail
      date: 2026-03-02
      situation: {age: 19, activite: demandeur_emploi, inscrit_france_travail: true}
      attendu:
        operateurs: [france_travail, mission_locale]   # exactly these operators
        hors_cep: []                                     # optional: exactly these other places
        a_preciser: [rqth]                               # optional: these questions are asked
        pas_a_preciser: [inscrit_france_travail]         # optional: these are not asked
        libelles: {france_travail: France Travail}       # optional: names shown
        motifs: {france_travail: inscrit}                # optional: words found in a motif
    - nom: Une activité inconnue est refusée
      situation: {activite: chomeur}
      attendu: {erreurs: [activite]}                     # the fields reported as wrong

The test is named after ``nom`` (unique across files). No database is used.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiguillage.rules import SituationInvalide, evaluer

CAS = Path(__file__).resolve().parent / "cas"
_CLES_CAS = {"nom", "date", "situation", "attendu", "commentaire"}
_CLES_ATTENDU = {
    "operateurs",
    "hors_cep",
    "a_preciser",
    "pas_a_preciser",
    "libelles",
    "motifs",
    "erreurs",
}
_NOMS = pytest.StashKey[dict[str, Path]]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent == CAS:
        return FichierDeCas.from_parent(parent, path=file_path)
    return None


class CasInvalide(Exception):
    """The YAML case itself is malformed."""


class EcartDeCas(AssertionError):
    """The decision differs from what the case expects."""


class FichierDeCas(pytest.File):
    def collect(self):
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, list) or not data:
            raise CasInvalide(f"{self.path.name} : une liste de cas est attendue")
        noms = self.config.stash.setdefault(_NOMS, {})
        for cas in data:
            _verifier_cas(self.path, cas)
            if cas["nom"] in noms:
                autre = noms[cas["nom"]].name
                raise CasInvalide(f"{self.path.name} : nom « {cas['nom']} » déjà pris ({autre})")
            noms[cas["nom"]] = self.path
            yield CasDeRegle.from_parent(self, name=cas["nom"], cas=cas)


def _verifier_cas(chemin: Path, cas: Any) -> None:
    if not isinstance(cas, dict) or not {"nom", "situation", "attendu"} <= set(cas):
        raise CasInvalide(f"{chemin.name} : chaque cas a « nom », « situation » et « attendu »")
    if set(cas) - _CLES_CAS:
        raise CasInvalide(f"{chemin.name} : {cas['nom']} : clés inconnues {set(cas) - _CLES_CAS}")
    attendu = cas["attendu"]
    if not isinstance(attendu, dict) or set(attendu) - _CLES_ATTENDU:
        raise CasInvalide(f"{chemin.name} : {cas['nom']} : « attendu » accepte {_CLES_ATTENDU}")
    if ("operateurs" in attendu) == ("erreurs" in attendu):
        raise CasInvalide(f"{chemin.name} : {cas['nom']} : « operateurs » ou « erreurs » requis")
    if "::" in cas["nom"]:
        raise CasInvalide(f"{chemin.name} : {cas['nom']} : « :: » interdit dans un nom")


class CasDeRegle(pytest.Item):
    def __init__(self, *, cas: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.cas = cas
        self.decision: dict[str, Any] | None = None

    def runtest(self) -> None:
        attendu = self.cas["attendu"]
        date = self.cas.get("date")
        if isinstance(date, str):
            date = datetime.date.fromisoformat(date)
        try:
            self.decision = evaluer(self.cas["situation"], date=date)
        except SituationInvalide as erreur:
            if "erreurs" not in attendu:
                raise
            if set(erreur.par_champ) != set(attendu["erreurs"]):
                raise EcartDeCas(
                    f"champs en erreur attendus {sorted(attendu['erreurs'])}, "
                    f"obtenus {sorted(erreur.par_champ)} : {erreur}"
                ) from None
            return
        if "erreurs" in attendu:
            raise EcartDeCas(f"erreur attendue sur {attendu['erreurs']}, mais la situation passe")
        ecarts = _ecarts(attendu, self.decision)
        if ecarts:
            raise EcartDeCas("\n".join(ecarts))

    def repr_failure(self, excinfo, style=None):
        if not isinstance(excinfo.value, EcartDeCas):
            return super().repr_failure(excinfo)
        lignes = [f"Cas « {self.name} » ({self.path.name})", str(excinfo.value)]
        if self.decision is not None:
            lignes.append(f"Résumé : {self.decision['resume']}")
            lignes.append("Trace :")
            lignes += [
                f"  {'✔' if t['resultat'] else '·'} {t['regle']} — {t['detail']}"
                for t in self.decision["trace"]
            ]
        return "\n".join(lignes)

    def reportinfo(self):
        return self.path, 0, f"cas : {self.name}"


def _ecarts(attendu: dict[str, Any], decision: dict[str, Any]) -> list[str]:
    ecarts = []
    for cle in ("operateurs", "hors_cep"):
        if cle in attendu:
            obtenu = {o["reseau"] for o in decision[cle]}
            if obtenu != set(attendu[cle]):
                ecarts.append(f"{cle} : attendu {sorted(attendu[cle])}, obtenu {sorted(obtenu)}")
    demandes = {q["champ"] for q in decision["a_preciser"]}
    manquantes = set(attendu.get("a_preciser", [])) - demandes
    if manquantes:
        ecarts.append(
            f"a_preciser : {sorted(manquantes)} non demandés (demandés : {sorted(demandes)})"
        )
    en_trop = set(attendu.get("pas_a_preciser", [])) & demandes
    if en_trop:
        ecarts.append(f"a_preciser : {sorted(en_trop)} demandés à tort")
    par_reseau = {o["reseau"]: o for o in decision["operateurs"] + decision["hors_cep"]}
    for reseau, libelle in attendu.get("libelles", {}).items():
        obtenu = par_reseau.get(reseau, {}).get("libelle")
        if obtenu != libelle:
            ecarts.append(f"libellé de {reseau} : attendu « {libelle} », obtenu « {obtenu} »")
    for reseau, texte in attendu.get("motifs", {}).items():
        motif = par_reseau.get(reseau, {}).get("motif", "")
        if texte.lower() not in motif.lower():
            ecarts.append(f"motif de {reseau} : « {texte} » absent de « {motif} »")
    return ecarts
