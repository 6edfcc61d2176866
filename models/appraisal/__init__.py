"""Appraisal (考核) tables: cycles and their phases/participants (cycles.py), goal sets with every
version kept (goals.py), progress, self-assessment and indicator feeds (progress.py)."""
