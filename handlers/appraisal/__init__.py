"""Appraisal over HTTP (/api/appraisal/...): cycles.py, goals.py, progress.py."""
