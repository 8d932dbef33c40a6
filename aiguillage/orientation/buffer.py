"""Write-behind for the API's diagnostics (ADR 0002).

The API builds each diagnostic's field values in the request (its ``public_id`` is returned to
the caller) and hands them to the process's buffer, which turns them at once into the parameters
of its ``INSERT`` (the same fields and database conversions as ``Model.save``, so ``cree_le`` is
the time of the request). A background thread writes the waiting rows every ``INTERVAL`` seconds, or
sooner once ``BATCH_SIZE`` are waiting, in one transaction. The rest is written when the process
exits normally (``atexit``: gunicorn workers leave through ``sys.exit`` on a graceful stop, a
restart or a timeout). A crash or a ``SIGKILL`` loses what was still buffered: at most the last
fraction of a second of anonymous statistical records, never anything about a person.

Why rows rather than model instances: a diagnostic's decision and trace are a few hundred small
dicts and lists; kept alive for half a second, they survive the garbage collector's young
generations and make its full collections long (measured: about 0.2 ms per API request). The
rows are strings, numbers and dates, which it does not track.

``flush()`` writes everything now (tests, commands). The portal and the counsellor's page do not
use the buffer: they redirect to or render a page reading the diagnostic.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import AutoField, JSONField, Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone

from aiguillage.orientation.models import Diagnostic, ReponseRegles

try:  # PostgreSQL's JSON parameters, written out as text ahead of the insert
    from psycopg.types.json import Json, Jsonb

    JSON_WRAPPERS: tuple[type, ...] = (Json, Jsonb)
except ImportError:  # pragma: no cover - psycopg is a dependency
    JSON_WRAPPERS = ()

__all__ = ["DiagnosticBuffer", "buffer", "flush"]

logger = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between two writes of the buffer
BATCH_SIZE = 200  # write sooner once this many are waiting
MAX_PENDING = 20_000  # beyond this, the request writes the buffer itself (back-pressure)
WRITER_CONNECTION_SECONDS = 300  # the writer thread renews its connection this often

Row = tuple


class InsertPlan:
    """One ``INSERT`` statement for a model, and its parameters for given field values.

    The statement is the one Django compiles for the model (every concrete field but an automatic
    primary key; ``ignore_conflicts`` adds ``ON CONFLICT DO NOTHING``, ``INSERT OR IGNORE`` on
    SQLite); ``simple`` is false if a field needs more than a plain placeholder, in which case
    the buffer is bypassed. The parameters are those of ``Model.save``, except that JSON columns
    (without a custom encoder) are encoded by orjson (or given already encoded, as an
    ``orjson.Fragment``, which orjson writes as it is): the same JSON value, five times faster,
    written compact and in UTF-8 where Django's ``json.dumps`` adds spaces and ``\\u`` escapes
    (PostgreSQL's ``jsonb`` stores both alike).
    """

    def __init__(self, model: type[Model], sample: Model, *, ignore_conflicts: bool = False):
        opts = model._meta
        self.fields = [
            f for f in opts.concrete_fields if not f.generated and not isinstance(f, AutoField)
        ]
        query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
        query.insert_values(self.fields, [sample])
        [(self.statement, params)] = query.get_compiler(connection=connection).as_sql()
        self.simple = len(params) == len(self.fields) == self.statement.count("%s")
        names = [f.name for f in self.fields]
        self.identifier = names.index("public_id" if "public_id" in names else opts.pk.name)
        self.orjson = {
            i for i, f in enumerate(self.fields) if isinstance(f, JSONField) and f.encoder is None
        }
        # What row() needs of each field, looked up once (a row is built in every API request).
        self.db = connections[DEFAULT_DB_ALIAS]  # its operations convert the values
        self.columns = [
            (
                field,
                field.attname,
                field.name,
                field.target_field.attname if field.is_relation else None,
                getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False),
                i in self.orjson,
            )
            for i, field in enumerate(self.fields)
        ]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        # COPY cannot skip a row already there: only for plain inserts.
        self.copy = (
            None
            if ignore_conflicts
            else f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
        )

    def row(self, values: Mapping[str, Any]) -> Row:
        """The parameters of the ``INSERT`` for an object given by its field values (by name,
        a model instance for a relation, or by attname, ``commune_id``). As ``Model.save``
        would: missing fields take their default, ``auto_now(_add)`` dates are now."""
        row = []
        for field, attname, name, target_attname, auto_now, is_json in self.columns:
            if auto_now:
                value = timezone.now()
            elif attname in values:
                value = values[attname]
            elif name in values:
                value = values[name]
                if target_attname and value is not None:
                    value = getattr(value, target_attname)
            else:
                value = field.get_default()
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{name} : une expression ne peut pas attendre l'insertion")
            if is_json and value is not None:  # None is SQL NULL, as Django writes it
                value = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
            else:
                value = field.get_db_prep_save(value, self.db)
                if isinstance(value, JSON_WRAPPERS):
                    value = (value.dumps or json.dumps)(value.obj)  # jsonb columns cast the text
            row.append(value)
        return tuple(row)


_plans: dict[tuple[str, str], InsertPlan] = {}


def _decode_fragments(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values with JSON given already encoded (``orjson.Fragment``, see ``services``) back to
    Python values, for Django's own ``save``."""
    return {
        name: orjson.loads(orjson.dumps(value)) if isinstance(value, orjson.Fragment) else value
        for name, value in values.items()
    }


def insert_plan() -> InsertPlan:
    """The diagnostics' ``INSERT`` on this connection."""
    plan = _plans.get((DEFAULT_DB_ALIAS, "diagnostic"))
    if plan is None:
        # Any diagnostic compiles to the same statement; this one holds plain values only.
        sample = Diagnostic(canal="api", date_situation=date.min, situation={})
        plan = _plans[DEFAULT_DB_ALIAS, "diagnostic"] = InsertPlan(Diagnostic, sample)
        if not plan.simple:
            logger.warning("Diagnostics de l'API écrits dans la requête : champ non pris en charge")
    return plan


def reponse_plan() -> InsertPlan:
    """The rules' answers' ``INSERT``, which leaves an answer already stored as it is."""
    plan = _plans.get((DEFAULT_DB_ALIAS, "reponse"))
    if plan is None:
        sample = ReponseRegles(empreinte="", decision={}, trace=[])
        plan = InsertPlan(ReponseRegles, sample, ignore_conflicts=True)
        _plans[DEFAULT_DB_ALIAS, "reponse"] = plan
    return plan


class DiagnosticBuffer:
    """A per-process queue of diagnostics waiting to be inserted, written in batches.

    ``background=False`` starts no thread: the buffer is then written only by ``flush()`` or by
    back-pressure (tests use it to stay deterministic).
    """

    def __init__(
        self,
        *,
        interval: float = INTERVAL,
        batch_size: int = BATCH_SIZE,
        max_pending: int = MAX_PENDING,
        background: bool = True,
    ) -> None:
        self.interval = interval
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.background = background
        self._reset()

    def _reset(self) -> None:
        """Fresh state for this process (also after a fork: the parent's queue is not ours)."""
        self._pid = os.getpid()
        self._rows: list[Row] = []
        self._reponses: dict[str, Row] = {}  # rules' answers to insert first, by identifier
        self._reponses_written: set[str] = set()  # those this process has inserted already
        self._plan: InsertPlan | None = None
        self._lock = threading.Lock()  # guards _rows and _reponses
        self._write_lock = threading.Lock()  # one writer at a time, in order
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._exit_hook = False

    def __len__(self) -> int:
        return len(self._rows)

    def add(
        self,
        diagnostic: Diagnostic | Mapping[str, Any],
        *,
        reponses: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Queue a diagnostic for insertion (or insert it now if the buffer cannot hold it): a
        ``Diagnostic`` not saved yet, or its field values (``Diagnostic(**values)`` would build
        it), which spares building the instance. ``reponses`` gives the rules' answer it refers
        to (``{empreinte: {"decision": …, "trace": …}}``), inserted first unless already
        stored."""
        if self._pid != os.getpid():
            self._reset()
        reponses = dict(reponses or {})
        if isinstance(diagnostic, Diagnostic):
            if Diagnostic.reponse.is_cached(diagnostic):
                reponse = diagnostic.reponse
                reponses[reponse.pk] = {"decision": reponse.decision, "trace": reponse.trace}
            fields = Diagnostic._meta.concrete_fields
            diagnostic = {f.attname: getattr(diagnostic, f.attname) for f in fields}
        plan = insert_plan()
        if not plan.simple:
            ReponseRegles.objects.bulk_create(
                [
                    ReponseRegles(empreinte=key, **_decode_fragments(values))
                    for key, values in reponses.items()
                ],
                ignore_conflicts=True,
            )
            Diagnostic(**_decode_fragments(diagnostic)).save(force_insert=True)
            return
        row = plan.row(diagnostic)
        new_reponses = {
            key: reponse_plan().row({"empreinte": key, **values})
            for key, values in reponses.items()
            if key not in self._reponses_written and key not in self._reponses
        }
        with self._lock:
            self._plan = plan
            self._rows.append(row)
            self._reponses.update(new_reponses)
            pending = len(self._rows)
            if not self._exit_hook:
                atexit.register(self._flush_at_exit)
                self._exit_hook = True
            if self.background and self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="aiguillage-diagnostics", daemon=True
                )
                self._thread.start()
        if pending >= self.max_pending:
            # The database does not keep up: this request waits for the write, nothing is lost.
            self.flush()
        elif pending >= self.batch_size:
            self._wake.set()

    def flush(self) -> int:
        """Write every waiting diagnostic now; returns how many were written."""
        written = 0
        with self._write_lock:
            while True:
                with self._lock:
                    rows, self._rows = self._rows, []
                    reponses, self._reponses = self._reponses, {}
                if not rows and not reponses:
                    return written
                done = self._write(self._plan, rows, reponses)
                written += done
                if done == 0 and self._rows:
                    return written  # the database is unreachable: retry at the next flush

    def _write(self, plan: InsertPlan, rows: Sequence[Row], reponses: dict[str, Row]) -> int:
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # As for every diagnostic (services.diagnostic_create): no WAL flush wait.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit TO OFF")
                _insert(reponse_plan(), list(reponses.values()))
                _insert(plan, rows)
        except (OperationalError, InterfaceError):
            logger.exception("Base indisponible : %d diagnostics gardés en attente", len(rows))
            self._requeue(rows, reponses)
            return 0
        except DatabaseError:
            # One bad row (e.g. its author deleted meanwhile) must not cost the others.
            logger.exception("Écriture groupée refusée : diagnostics écrits un par un")
            # Perhaps an answer believed stored is not (a restored database): send them again.
            self._reponses_written.clear()
            try:
                with transaction.atomic():
                    _insert(reponse_plan(), list(reponses.values()))  # conflicts are skipped
                self._written(reponses)
            except DatabaseError:
                logger.exception("Réponses des règles non enregistrées : diagnostics refusés")
            written = 0
            for row in rows:
                try:
                    with transaction.atomic():
                        _insert(plan, [row])
                    written += 1
                except DatabaseError:
                    logger.exception("Diagnostic %s non enregistré", row[plan.identifier])
            return written
        self._written(reponses)
        return len(rows)

    def _written(self, reponses: dict[str, Row]) -> None:
        if len(self._reponses_written) > MAX_PENDING:
            self._reponses_written.clear()  # bounded; an answer sent again is merely skipped
        self._reponses_written.update(reponses)

    def _requeue(self, rows: Sequence[Row], reponses: dict[str, Row]) -> None:
        with self._lock:
            self._reponses = {**reponses, **self._reponses}
            self._rows[:0] = rows
            excess = len(self._rows) - self.max_pending
            if excess > 0:
                logger.error("Tampon plein : %d diagnostics les plus anciens perdus", excess)
                del self._rows[:excess]

    def close(self) -> None:
        """Stop the background thread (closing its database connection), then write what is
        still waiting. A process's exit needs no call: see ``_flush_at_exit``."""
        thread = self._thread
        if thread is not None and self._pid == os.getpid():
            self._stopping = True
            self._wake.set()
            thread.join()
            self._thread = None
            self._stopping = False
        self.flush()

    def _run(self) -> None:
        opened = 0.0
        while not self._stopping:
            self._wake.wait(self.interval)
            self._wake.clear()
            if not self._rows:
                continue
            if connection.connection is None:
                opened = time.monotonic()
            try:
                self.flush()
            except Exception:
                logger.exception("Écriture différée des diagnostics en échec")
            finally:
                _keep_or_close(time.monotonic() - opened)
        connections.close_all()

    def _flush_at_exit(self) -> None:
        if self._pid != os.getpid() or not self._rows:
            return
        try:
            self.flush()
        except Exception:
            logger.exception("Diagnostics en attente non enregistrés à l'arrêt")


def _keep_or_close(age: float) -> None:
    """The writer thread keeps its connection from one write to the next, whatever
    ``CONN_MAX_AGE`` says of requests (0 on SQLite, where closing the last connection also
    checkpoints the write-ahead log: measured, half of the writer's time), unless an error left
    it unusable or it is older than ``WRITER_CONNECTION_SECONDS``."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if age > WRITER_CONNECTION_SECONDS or (conn.errors_occurred and not conn.is_usable()):
            conn.close()
        else:
            conn.errors_occurred = False


def _insert(plan: InsertPlan, rows: Sequence[Row]) -> None:
    """``COPY`` on PostgreSQL (a third less work for the server than one ``INSERT`` a row, half
    as much in Python), otherwise the ``INSERT`` executed for every row. ``bulk_create`` would
    compile the batch again and, on PostgreSQL, send ``UNNEST`` arrays whose escaping of the
    JSON columns costs about 0.4 ms a row in Python, more than all the rest of the write."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if plan.copy and connection.vendor == "postgresql" and len(rows) > 1:
            # Django's errors (IntegrityError…), as its own cursor would raise them.
            with connection.wrap_database_errors, cursor.cursor.copy(plan.copy) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(plan.statement, rows)


buffer = DiagnosticBuffer()


def flush() -> int:
    """Write the process's waiting diagnostics now."""
    return buffer.flush()
