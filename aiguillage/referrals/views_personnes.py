"""Stub: being built."""

from django.http import Http404


def doublons(request, **kwargs):
    raise Http404("En construction.")


def personne(request, **kwargs):
    raise Http404("En construction.")


def export(request, **kwargs):
    raise Http404("En construction.")


def effacer(request, **kwargs):
    raise Http404("En construction.")


def fusionner(request, **kwargs):
    raise Http404("En construction.")
