"""``__prefix``: an index-friendly "starts with" for normalised keys (lower-case ASCII).

Django's ``startswith`` becomes ``LIKE 'x%'``. PostgreSQL answers it from a
``varchar_pattern_ops`` index, but SQLite's case-insensitive LIKE cannot use an ordinary index
and scans the table. For keys that hold only lower-case ASCII, a prefix is also a range
(``key >= 'x' AND key < 'x' + U+FFFF``), which SQLite answers from its B-tree index.
"""

from django.db.models import CharField, Lookup


@CharField.register_lookup
class Prefix(Lookup):
    lookup_name = "prefix"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = connection.ops.prep_for_like_query(self.rhs) + "%"
        return f"{lhs} LIKE %s", [*lhs_params, pattern]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", [
            *lhs_params,
            self.rhs,
            *lhs_params,
            self.rhs + "\uffff",
        ]
