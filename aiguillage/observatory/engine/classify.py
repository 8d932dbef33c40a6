"""Classify a territory's indicators into Céreq configuration 1, 2, 3 or ``mixte``, with evidence.

Concept map::

    parametres/configurations.yaml ──thresholds_load(at=date)──► Thresholds (dated version)
    indicators row ──signal degrees (linear ramps)──► score per configuration (weighted mean)
        └─ decision: best ≥ score_minimum, best − second ≥ marge_minimum and second < score_minimum
       → best; otherwise mixte (two configurations present, or none clearly)
        └─ explanation: a French summary + the 3–4 signals that weighed most

A signal's degree is a linear ramp from ``de`` (0) to ``a`` (1); when ``de > a`` low values are the
signal. A configuration's score is Σ poids·degré / Σ poids over the signals whose indicator is
known; below half of the weight known the score is null (données insuffisantes).
Confidence: for a configuration, best × min(1, (best − second) / (2·marge_minimum)); for
``mixte``, the second score (how strongly a second configuration is present).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["Signal", "Thresholds", "territory_classify", "thresholds_load"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "parametres" / "configurations.yaml"


@dataclass(frozen=True)
class Signal:
    configuration: str
    indicateur: str
    de: float
    a: float
    poids: float
    format: str
    phrase: str
    source: str

    def degree(self, value: float | None) -> float | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        return min(1.0, max(0.0, (value - self.de) / (self.a - self.de)))


@dataclass(frozen=True)
class Thresholds:
    valid_from: dt.date
    source: str
    score_minimum: float
    marge_minimum: float
    names: dict[str, str]
    signals: dict[str, tuple[Signal, ...]]


def thresholds_load(path: str | Path | None = None, *, at: dt.date | None = None) -> Thresholds:
    """The version of the thresholds in force at ``at`` (the latest version by default)."""
    document = yaml.safe_load(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    versions = sorted(document["versions"], key=lambda v: v["valid_from"])
    chosen = [v for v in versions if at is None or v["valid_from"] <= at]
    if not chosen:
        raise ValueError(f"Aucun seuil en vigueur au {at} (premier : {versions[0]['valid_from']}).")
    version = chosen[-1]
    signals = {
        key: tuple(
            Signal(
                configuration=key,
                indicateur=s["indicateur"],
                de=float(s["de"]),
                a=float(s["a"]),
                poids=float(s["poids"]),
                format=s["format"],
                phrase=s["phrase"],
                source=s["source"],
            )
            for s in conf["signaux"]
        )
        for key, conf in version["configurations"].items()
    }
    return Thresholds(
        valid_from=version["valid_from"],
        source=version["source"],
        score_minimum=float(version["decision"]["score_minimum"]),
        marge_minimum=float(version["decision"]["marge_minimum"]),
        names={k: c["nom"] for k, c in version["configurations"].items()},
        signals=signals,
    )


def _number(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def value_format(value: float, kind: str) -> str:
    if kind == "pourcentage":
        return f"{round(value * 100)} %"
    if kind == "nombre":
        return str(round(value))
    return _number(value)


def _bound(signal: Signal) -> str:
    full = value_format(signal.a, signal.format)
    return f"pleinement présent {'à partir de' if signal.a > signal.de else 'en deçà de'} {full}"


def _sentence(signal: Signal, value: float, degree: float, theme: str | None) -> str:
    text = signal.phrase.format(v=value_format(value, signal.format), theme=theme or "—")
    strength = "signal net" if degree >= 0.999 else f"signal présent à {round(degree * 100)} %"
    return (
        f"{text[0].upper()}{text[1:]} : {strength} de la configuration {signal.configuration} "
        f"({_bound(signal)})."
    )


def _score(signals, row) -> tuple[float | None, list[tuple[float, Signal, float, float]]]:
    total = sum(s.poids for s in signals)
    known, weighted, evidence = 0.0, 0.0, []
    for signal in signals:
        value = row.get(signal.indicateur)
        degree = signal.degree(value)
        if degree is None:
            continue
        known += signal.poids
        weighted += signal.poids * degree
        evidence.append((signal.poids * degree, signal, float(value), degree))
    if known < total / 2:
        return None, evidence
    evidence.sort(key=lambda item: -item[0])
    return weighted / known, evidence


def territory_classify(row: dict, thresholds: Thresholds) -> dict:
    """Label, confidence, scores, deciding indicators and French explanation for one territory."""
    scores, evidence = {}, {}
    for key, signals in thresholds.signals.items():
        scores[key], evidence[key] = _score(signals, row)
    known = sorted(((s, k) for k, s in scores.items() if s is not None), reverse=True)
    result = {"scores": {k: (round(s, 3) if s is not None else None) for k, s in scores.items()}}
    if not row.get("interactions") or len(known) < 2:
        result |= {
            "configuration": "mixte",
            "confiance": 0.0,
            "decisifs": [],
            "explication": [
                "Données insuffisantes sur la période (interactions ou ressources manquantes) : "
                "aucune configuration ne peut être établie.",
                f"Interactions sur la période : {row.get('interactions') or 0}.",
                "Le classement reprendra quand le territoire aura des interactions déclarées.",
            ],
        }
        return result
    (best, first), (second, runner) = known[0], known[1]
    margin = best - second
    theme = row.get("theme_dominant")
    names = thresholds.names
    clear = margin >= thresholds.marge_minimum and second < thresholds.score_minimum
    if best >= thresholds.score_minimum and clear:
        label = first
        confidence = best * min(1.0, margin / (2 * thresholds.marge_minimum))
        summary = (
            f"Configuration {first} ({names[first]}) : score {_number(best)}, devant la "
            f"configuration {runner} ({_number(second)})."
        )
        chosen = [item for item in evidence[first] if item[3] > 0][:4]
    else:
        label = "mixte"
        confidence = second
        if best >= thresholds.score_minimum:
            summary = (
                f"Signaux mêlés : configuration {first} ({_number(best)}) et configuration "
                f"{runner} ({_number(second)}) ; "
                + (
                    f"les deux dépassent le score {_number(thresholds.score_minimum)}."
                    if second >= thresholds.score_minimum
                    else f"aucune ne l'emporte d'au moins {_number(thresholds.marge_minimum)}."
                )
            )
        else:
            summary = (
                f"Aucune configuration n'atteint le score {_number(thresholds.score_minimum)} : "
                f"les plus proches sont les configurations {first} ({_number(best)}) et {runner} "
                f"({_number(second)})."
            )
        chosen = [i for i in evidence[first] if i[3] > 0][:2]
        chosen += [i for i in evidence[runner] if i[3] > 0][:2]
    sentences = [summary] + [_sentence(s, v, d, theme) for _, s, v, d in chosen]
    if len(sentences) < 3:
        sentences.append(
            f"Les autres signaux de la configuration {first} sont absents ou non renseignés."
        )
    result |= {
        "configuration": label,
        "confiance": round(min(1.0, max(0.0, confidence)), 3),
        "decisifs": list(dict.fromkeys(s.indicateur for _, s, _, _ in chosen)),
        "explication": sentences[:5],
    }
    return result
