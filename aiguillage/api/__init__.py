"""The HTTP API (django-ninja, OpenAPI at /api/v1/docs). Endpoints call the same selectors and
services as the pages."""
