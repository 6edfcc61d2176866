"""Versioned schema migrations: NNNN_name.py modules, each with `async def up(db)`.

Applied in order by `python -m server migrate` and at `run` start-up; applied versions are kept
in the schema_migration table. A migration never changes once it has landed: add a new one.
"""
