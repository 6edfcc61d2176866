"""Appraisal (考核): cycles.py (cycles, phases, participants, indicators, monitor), goals.py (goal
sets, versions, review, change requests, history), progress.py (progress, actual values,
self-assessment), common.py (the phase gate and the look-ups they share). docs/appraisal.md."""
