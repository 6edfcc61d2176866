"""score_quantitative: the pure formula evaluator shared by the progress preview and scoring."""
import math

import pytest

from services.appraisal.formulas import preview, score_quantitative

LINEAR = {"type": "linear", "floor": 600}
CAPPED = {"type": "capped", "floor": 60, "cap": 1.2}
STEPS = {"type": "threshold", "steps": [{"at": 12, "score": 60}, {"at": 18, "score": 80},
                                        {"at": 24, "score": 100}]}


@pytest.mark.parametrize("actual,score", [(600, 0), (300, 0), (900, 50), (1200, 100), (1500, 100),
                                          (1000, 66.67)])
def test_linear_zero_at_floor_hundred_at_target_never_above(actual, score):
    assert score_quantitative(LINEAR, 1200, actual) == score


def test_linear_floor_defaults_to_zero_and_works_downwards():
    assert score_quantitative({"type": "linear"}, 200, 50) == 25
    # fewer complaints is better: floor 10 complaints (0 points), target 2 (100 points)
    down = {"type": "linear", "floor": 10}
    assert score_quantitative(down, 2, 6) == 50
    assert score_quantitative(down, 2, 0) == 100
    assert score_quantitative(down, 2, 12) == 0


@pytest.mark.parametrize("actual,score", [(60, 0), (80, 50), (100, 100), (108, 120), (130, 120)])
def test_capped_is_linear_up_to_cap_times_hundred(actual, score):
    assert score_quantitative(CAPPED, 100, actual) == score


@pytest.mark.parametrize("actual,score", [(0, 0), (11.9, 0), (12, 60), (17, 60), (18, 80),
                                          (24, 100), (40, 100)])
def test_threshold_takes_the_highest_step_reached(actual, score):
    assert score_quantitative(STEPS, 24, actual) == score


def test_threshold_steps_in_any_order_and_scores_not_monotonic():
    steps = {"type": "threshold", "steps": [{"at": 100, "score": 90}, {"at": 50, "score": 95}]}
    assert score_quantitative(steps, None, 120) == 90   # the highest step reached, not the best score
    assert score_quantitative(steps, None, 60) == 95


@pytest.mark.parametrize("formula,target,actual", [
    ({"type": "linear", "floor": 100}, 100, 5),          # target == floor
    ({"type": "linear"}, None, 5),                       # no target
    ({"type": "capped", "floor": 0}, 100, 5),            # no cap
    ({"type": "capped", "floor": 0, "cap": 0.5}, 100, 5),
    ({"type": "threshold", "steps": []}, 100, 5),
    ({"type": "threshold", "steps": [{"at": "x", "score": 1}]}, 100, 5),
    ({"type": "quadratic"}, 100, 5),
    (None, 100, 5),
    (LINEAR, 1200, None),
    (LINEAR, 1200, math.nan),
    (LINEAR, 1200, True),
])
def test_malformed_input_raises_value_error(formula, target, actual):
    with pytest.raises(ValueError):
        score_quantitative(formula, target, actual)
    assert preview(formula, target, actual) is None


def test_preview_matches_the_evaluator():
    assert preview(CAPPED, 100, 110) == 120
    assert preview(STEPS, 24, 18) == 80
