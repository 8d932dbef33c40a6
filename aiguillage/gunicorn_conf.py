"""Production settings for gunicorn (``-c python:aiguillage.gunicorn_conf aiguillage.wsgi``).

Every value can be overridden on the command line or through ``GUNICORN_CMD_ARGS``; the ones
read from the environment here are those a deployer usually sets.

- ``bind``: ``AIGUILLAGE_BIND`` (default ``127.0.0.1:8000``, behind the reverse proxy);
- ``workers``: ``AIGUILLAGE_WORKERS`` (default: one sync worker per core — the requests are
  CPU-bound: rules, templates, JSON —, at least 2);
- the application is loaded once in the master before the workers are forked
  (``preload_app``): the workers share its memory, and a broken configuration fails at start;
- garbage collector: after loading, everything the application built (modules, URL patterns,
  templates, the rules and their parameters) is moved out of the collector's reach with
  ``gc.freeze()`` (the use the Python documentation gives for it: "before a POSIX fork() call
  to make the gc copy-on-write friendly"). A full collection then only visits what requests
  built, and the shared pages are not rewritten in each worker. Measured in
  ``docs/performance.md``.
"""

from __future__ import annotations

import gc
import os

bind = os.environ.get("AIGUILLAGE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("AIGUILLAGE_WORKERS", max(2, os.cpu_count() or 1)))
worker_class = "sync"
preload_app = True
timeout = 30
graceful_timeout = 30
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("AIGUILLAGE_ACCESS_LOG") or None
errorlog = "-"


def when_ready(server) -> None:
    """The application is loaded (``preload_app``), no worker is forked yet."""
    gc.collect()
    gc.freeze()
