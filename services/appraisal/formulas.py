"""The scoring formulas of quantitative goal items (计分公式), as pure functions: the progress page's
score preview uses them now, and scoring (issue 12) will score actual values with the same code.

A formula is the item's `formula` dict (models/appraisal/goals.GoalItem):
  {"type": "linear", "floor": 0}                 0 at floor, 100 at target, never above 100
  {"type": "capped", "floor": 0, "cap": 1.2}     linear, but may exceed 100 up to cap × 100
  {"type": "threshold", "steps": [{"at": 80, "score": 60}, {"at": 100, "score": 100}]}
                                                 the score of the highest step reached
Linear and capped work both ways: a target below the floor ("fewer complaints is better")
scores the way down the same as the way up. Never below 0.
"""
import math


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number, got {value!r}")
    return float(value)


def score_quantitative(formula, target, actual):
    """The score (0–100, or up to cap×100 for `capped`) that `actual` earns. Raises ValueError
    for a malformed formula or a missing target/actual."""
    if not isinstance(formula, dict):
        raise ValueError("formula should be a dict")
    actual = _number(actual, "actual")
    kind = formula.get("type")
    if kind in ("linear", "capped"):
        target = _number(target, "target")
        floor = _number(formula.get("floor") or 0, "floor")
        if target == floor:
            raise ValueError("target equals floor")
        raw = (actual - floor) / (target - floor) * 100
        top = 100.0
        if kind == "capped":
            cap = _number(formula.get("cap"), "cap")
            if cap < 1:
                raise ValueError("cap below 1")
            top = cap * 100
        return round(max(0.0, min(top, raw)), 2)
    if kind == "threshold":
        steps = formula.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ValueError("threshold needs steps")
        reached = None
        for step in steps:
            if not isinstance(step, dict):
                raise ValueError("a step should be a dict")
            at, score = _number(step.get("at"), "at"), _number(step.get("score"), "score")
            if actual >= at and (reached is None or at >= reached[0]):
                reached = (at, score)
        return round(max(0.0, reached[1]), 2) if reached else 0.0
    raise ValueError(f"unknown formula type {kind!r}")


def preview(formula, target, actual):
    """score_quantitative, or None when it cannot be computed (no value yet, incomplete formula)."""
    if actual is None or not formula:
        return None
    try:
        return score_quantitative(formula, target, actual)
    except ValueError:
        return None
