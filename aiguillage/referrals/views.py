"""Stub: being built."""

from django.http import Http404


def inbox(request, **kwargs):
    raise Http404("En construction.")


def create(request, **kwargs):
    raise Http404("En construction.")


def notifications(request, **kwargs):
    raise Http404("En construction.")


def piece_jointe(request, **kwargs):
    raise Http404("En construction.")


def accompagnements(request, **kwargs):
    raise Http404("En construction.")


def accompagnement_create(request, **kwargs):
    raise Http404("En construction.")


def accompagnement(request, **kwargs):
    raise Http404("En construction.")


def accompagnement_membre(request, **kwargs):
    raise Http404("En construction.")


def accompagnement_evenement(request, **kwargs):
    raise Http404("En construction.")


def detail(request, **kwargs):
    raise Http404("En construction.")


def transition(request, **kwargs):
    raise Http404("En construction.")


def rediriger(request, **kwargs):
    raise Http404("En construction.")


def message(request, **kwargs):
    raise Http404("En construction.")


def consentement_retirer(request, **kwargs):
    raise Http404("En construction.")
