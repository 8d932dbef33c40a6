"""Coordination pages: sessions (``rencontres.py``), their calendars (``calendriers.py``) and
working groups (``groupes.py``). Every object is read through ``coordination.access`` and
changed through ``coordination.services``."""
