"""Coordination pages: sessions (``rencontres.py``), their calendar files (``calendriers.py``,
with the feed read through a secret link), structures' calendar pages and secret links
(``agendas.py``) and working groups (``groupes.py``). Every object is read through
``coordination.access`` and changed through ``coordination.services``."""
