"""Aiguillage: the shared tools of a Région's career-guidance service (CEP/SPRO).

Concept map (one Django app per domain, see docs/architecture.md):

- ``core``        base templates, theme, audit log, permission gateways, htmx helpers
- ``accounts``    users (email login), memberships of structures with a role
- ``territories`` régions → départements → EPCI → communes, bassins, boundaries
- ``directory``   networks and structures (sites and services come with the directory issue)
- ``api``         the HTTP API (django-ninja, OpenAPI)
"""

__version__ = "0.1.0"
