"""Counsellors' pages of referrals (adressages), co-accompaniments, people and dashboards.

One module per page family; ``referrals/urls.py`` imports the views from these modules:

- ``boite``: the inbox (the user's referrals in three tabs) and the notifications.
- ``adressage``: referring a person (the create form) and one referral's page with what is done
  from it (status changes, redirection, messages, attachments, consent withdrawal).
- ``accompagnements``: co-accompaniment (list, opening, page, members, shared timeline, closing).
- ``personnes``: people (their page, correction, export, erasure, duplicates and merge).
- ``tableaux``: the structure and région dashboards (aggregates only).
- ``_commun``: the helpers the page families share (membership, régions, paging, identifiers).
"""
