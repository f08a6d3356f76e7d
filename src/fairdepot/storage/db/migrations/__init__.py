"""Alembic migrations; `fairdepot db upgrade` applies them, embedded mode at start."""
