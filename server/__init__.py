"""Mingjing server wiring: config, app factory, database, Redis and WeChat clients, CLI."""
