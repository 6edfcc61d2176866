"""The admin web console: handlers (modules exporting `default_handlers`), templates, static files."""
