"""Appraisal pages of the console (考核): cycles.py (cycles, participants, indicators, templates, monitor)."""
