"""Catalogue services: one module per capability, each taking a SQLAlchemy session."""
