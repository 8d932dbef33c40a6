"""Cooperation observatory: partnerships between CEP/SPRO operators per territory, and the
classification of each territory into the three Céreq configurations (Bref n°383, 2019).

Concept map::

    DOSSIER (open import format, docs/observatory.md)
        └─ engine.loading.dataset_load ──► Dataset (polars frames, validated; ImportErrors)
              └─ engine.indicators.indicators_compute ──► one row per territory × period
                    (uses maths.graph: ties, density, E-I index, Freeman centralisation…)
                    └─ engine.classify.territories_classify ──► label, confidence, evidence
    simulation.region_simulate ──► a synthetic région written in the import format

``maths`` and ``engine`` are pure Python + polars (no Django); the management command
``observatoire`` wraps them and makes no database query. Only aggregates: no person is handled.
"""
