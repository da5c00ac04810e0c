"""Alembic environment for the enquiry database.

Run through :func:`assistant.enquiries.migrate.migrate`, which passes an open connection in
``config.attributes["connection"]``. Logging is left as the caller configured it.
"""

from __future__ import annotations

from alembic import context

from assistant.enquiries.db import make_engine
from assistant.enquiries.migrate import VERSION_TABLE
from assistant.enquiries.models import Base


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations with assistant.enquiries.migrate.migrate(url)")
    engine = make_engine(url)
    with engine.begin() as fresh:
        _run(fresh)
    engine.dispose()
