"""Stub: being built."""

from django.http import Http404


def structure(request, **kwargs):
    raise Http404("En construction.")


def region(request, **kwargs):
    raise Http404("En construction.")
