"""The metadata store: one SQLAlchemy model for SQLite and PostgreSQL."""
