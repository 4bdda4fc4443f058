from decimal import Decimal

import pytest

from scoring.rubric import WEIGHTS, ScoreError, check_pass, weighted_total


def scores(**overrides: float) -> dict[str, float]:
    base = dict.fromkeys(WEIGHTS, 100.0)
    base.update(overrides)
    return base


def test_weights_add_to_100():
    assert sum(WEIGHTS.values()) == 100


def test_weights_match_rubric():
    assert WEIGHTS == {
        "Recoverability": 40,
        "Safety": 20,
        "Evidence": 20,
        "Communication": 10,
        "Claims": 10,
    }


def test_total_of_mixed_scores():
    total = weighted_total(
        {"Recoverability": 90, "Safety": 80, "Evidence": 85, "Communication": 70, "Claims": 100}
    )
    # 36 + 16 + 17 + 7 + 10
    assert total.total == Decimal(86)


def test_arithmetic_shows_each_term():
    total = weighted_total(scores(Recoverability=50))
    assert total.arithmetic() == "40% x 50 + 20% x 100 + 20% x 100 + 10% x 100 + 10% x 100 = 80.00"


def test_total_is_exact_decimal():
    total = weighted_total(scores(Communication=99.9))
    assert total.total == Decimal("99.99")


def test_display_rounds_half_up():
    total = weighted_total(scores(Recoverability=62.4875))
    assert total.display_total() == "85.00"


def test_pass_at_exactly_85():
    total = weighted_total(scores(Recoverability=62.5))
    assert check_pass(total, []).allowed


def test_fail_at_84_99():
    total = weighted_total(scores(Recoverability=62.475))
    assert total.total == Decimal("84.99")
    assert not check_pass(total, []).allowed


def test_fail_just_below_display_rounding():
    # 84.995 displays as 85.00 but is still below the pass mark.
    total = weighted_total(scores(Recoverability=62.4875))
    assert not check_pass(total, []).allowed


def test_confirmed_failure_blocks_pass():
    result = check_pass(weighted_total(scores()), [2])
    assert not result.allowed
    assert "critical failure 2" in result.reasons[0]


def test_low_total_and_failure_both_reported():
    result = check_pass(weighted_total(scores(Safety=0, Evidence=0)), [1, 4])
    assert len(result.reasons) == 3


@pytest.mark.parametrize("bad", [-1, 100.5, 1000])
def test_out_of_range_score_rejected(bad: float):
    with pytest.raises(ScoreError, match="Safety"):
        weighted_total(scores(Safety=bad))


def test_missing_category_rejected():
    partial = scores()
    del partial["Claims"]
    with pytest.raises(ScoreError, match="Claims"):
        weighted_total(partial)
