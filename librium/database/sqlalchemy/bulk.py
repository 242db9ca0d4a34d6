"""Inserting many rows of one table at once (an import's books, their links and search rows).

On PostgreSQL the rows go through ``COPY … FROM STDIN`` on the session's own connection, inside its
transaction (a rollback takes them back like any INSERT): a multi-row INSERT of 500 books is a
statement of 11,000 parameters that the driver and the server must parse, and a row-by-row
``executemany`` is 500 statements. New primary keys are then taken from the table's sequence first.
On SQLite (in-process), and for a few rows, a Core ``executemany`` INSERT, with ``RETURNING`` for
the keys.
Values go through each column type's bind processing (``UTCDateTime`` and the like) either way.
"""

from __future__ import annotations

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

COPY_FROM = 50  # fewer rows (a book added by hand): a plain INSERT, one round trip all the same


def insert_rows(session: Session, table: Table, rows: list[dict], *, return_ids: bool = False) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; with ``return_ids`` the new rows'
    ``id`` in the order of ``rows`` (else an empty list)."""
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM:
        if not return_ids:
            session.execute(insert(table), rows)
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, rows).scalars())
    ids: list[int] = []
    if return_ids:
        sequence = func.pg_get_serial_sequence(table.name, "id")
        ids = sorted(
            session.execute(
                select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
            ).scalars()
        )
        rows = [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)]
    _copy(connection, table, rows)
    return ids


def _copy(connection, table: Table, rows: list[dict]) -> None:
    from psycopg import sql

    columns = list(rows[0])
    processors = [
        (name, table.c[name].type.bind_processor(connection.dialect)) for name in columns
    ]  # None when the driver takes the value as it is
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(name) for name in columns)
    )
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([process(row[name]) if process else row[name] for name, process in processors])
