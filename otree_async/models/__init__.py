"""Persistence: framework tables, author field types, per-app tables and the unit of work."""
