"""Referral pages (being built)."""

from django.http import Http404


def detail(request, public_id):
    raise Http404


def accompagnement(request, public_id):
    raise Http404
