"""The rules' thresholds chosen on out-of-fold scores: the vectorised search applies exactly the
rules of `nlp.predictor.decide`, and each choice meets the target it is defined by."""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from nlp.cues import Cue
from nlp.predictor import POSSIBLE_DANGER, Decisions, Scored, decide
from nlp.reading import Reading
from training import decisions
from training.dataset import Record

URGENCIES = ("high", "low", "medium")


def scored(p_high: float, p_low: float, clause: float = 0.0, *, cue: bool = False, text: str = "两家吵架") -> Scored:
    p_medium = 1.0 - p_high - p_low
    scores = {"high": p_high, "low": p_low, "medium": p_medium}
    cues = (Cue("拿着刀", "weapon", 0, 3),) if cue else ()
    return Scored(text, {"land": 0.9, "other": 0.1}, scores, Reading(cues, ()), (clause, 0, len(text)), scores)


def random_scored(n: int, seed: int) -> list[Scored]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        p = rng.dirichlet([1, 1, 1])
        out.append(scored(float(p[0]), float(p[1]), float(rng.random()), cue=bool(rng.random() < 0.2)))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_rules_give_the_labels_of_decide(seed: int) -> None:
    rows = random_scored(300, seed)
    rng = np.random.default_rng(seed + 10)
    for _ in range(10):
        d = Decisions(
            cue_lift=bool(rng.random() < 0.5),
            cue_precision=float(rng.random()),
            high_threshold=float(rng.random() + 0.3),
            low_guard=float(rng.random()),
            danger_net=float(rng.random()),
            clause_net=float(rng.random()),
        )
        table = decisions._Urgency(rows)
        expected = [decide(s, d) for s in rows]
        assert list(table.labels(d)) == [p.urgency.label for p in expected]
        assert list(table.possible_danger(d)) == [POSSIBLE_DANGER in p.review_reasons for p in expected]


def test_macro_f1_is_sklearns() -> None:
    rng = np.random.default_rng(0)
    truth, guess = rng.choice(URGENCIES, 200), rng.choice(URGENCIES, 200)
    assert decisions._macro_f1(truth, guess) == pytest.approx(
        f1_score(truth, guess, labels=["high", "medium", "low"], average="macro")
    )


def records_for(rows: list[Scored], truth: list[str]) -> list[Record]:
    return [Record(text=f"t{i}", type="land", urgency=u) for i, u in enumerate(truth)]


def test_danger_net_catches_the_target_share_of_high_cases() -> None:
    # 100 high cases whose P(high) is spread out, most under 0.5 so not called high by argmax.
    rng = np.random.default_rng(3)
    highs = [scored(float(p), 0.1) for p in rng.uniform(0.05, 0.6, 100)]
    lows = [scored(0.02, 0.9) for _ in range(200)]
    rows = highs + lows
    truth = np.array(["high"] * 100 + ["low"] * 200)
    base = Decisions(high_threshold=decisions.OFF, low_guard=decisions.OFF, danger_net=decisions.OFF)
    chosen = decisions.choose_danger_net(truth, decisions._Urgency(rows), base)
    assert chosen["caught"] >= decisions.DANGER_CATCH
    d = Decisions(
        danger_net=chosen["threshold"],
        clause_net=chosen["clause_threshold"],
        high_threshold=decisions.OFF,
        low_guard=decisions.OFF,
    )
    caught = [p.urgency.label == "high" or POSSIBLE_DANGER in p.review_reasons for p in (decide(s, d) for s in highs)]
    assert np.mean(caught) >= decisions.DANGER_CATCH
    assert not any(POSSIBLE_DANGER in decide(s, d).review_reasons for s in lows)


def test_review_threshold_is_the_lowest_that_reaches_the_target_within_capacity() -> None:
    sure = [scored(0.01, 0.98, text="楼上漏水第一次") for _ in range(90)]
    unsure = [scored(0.01, 0.55, text="楼上漏水第二次") for _ in range(10)]  # low at 0.55, wrong below
    rows = sure + unsure
    records = records_for(rows, ["low"] * 90 + ["medium"] * 10)
    base = Decisions(high_threshold=decisions.OFF, low_guard=decisions.OFF, danger_net=decisions.OFF)
    chosen = decisions.choose_review_threshold(records, rows, base)
    assert 0.55 < chosen["threshold"] <= 0.98
    assert chosen["review_rate"] == pytest.approx(0.10)
    assert chosen["accuracy_kept"] == 1.0


def test_review_never_exceeds_the_desks_capacity() -> None:
    rows = [scored(0.01, 0.55) for _ in range(100)]  # every case unsure and wrong
    records = records_for(rows, ["medium"] * 100)
    base = Decisions(high_threshold=decisions.OFF, low_guard=decisions.OFF, danger_net=decisions.OFF)
    chosen = decisions.choose_review_threshold(records, rows, base)
    assert chosen["review_rate"] <= decisions.MAX_REVIEW


def test_low_guard_stops_high_called_low_at_a_bounded_cost() -> None:
    # Both high cases would be called low with P(high) 0.3; the true lows have P(high) 0.05.
    rows = [scored(0.3, 0.6) for _ in range(2)] + [scored(0.05, 0.8) for _ in range(20)]
    truth = np.array(["high"] * 2 + ["low"] * 20)
    base = Decisions(high_threshold=decisions.OFF, low_guard=decisions.OFF, danger_net=decisions.OFF)
    chosen = decisions.choose_low_guard(truth, decisions._Urgency(rows), base)
    assert 0.05 < chosen["threshold"] <= 0.3
    assert chosen["high_called_low"] == 0


def test_the_net_uses_the_dangerous_piece_where_that_is_cheaper() -> None:
    # High cases read calm as a whole (P(high) 0.1, like 60 calm lows) but one piece reads 0.9:
    # only the piece's threshold catches them without flagging the lows.
    highs = [scored(0.1, 0.5, clause=0.9) for _ in range(50)]
    lows = [scored(0.1, 0.5, clause=0.2) for _ in range(60)]
    truth = np.array(["high"] * 50 + ["low"] * 60)
    base = Decisions(high_threshold=decisions.OFF, low_guard=decisions.OFF, danger_net=decisions.OFF)
    chosen = decisions.choose_danger_net(truth, decisions._Urgency(highs + lows), base)
    assert chosen["caught"] == 1.0 and chosen["flag_rate"] == pytest.approx(50 / 110)
    assert chosen["threshold"] > 0.1 and 0.2 < chosen["clause_threshold"] <= 0.9
