"""The decision on top of the model: the clause reading, the danger clause shown to the clerk,
the "possible danger" review, the urgency factors shown, and the stacker's weights as data."""

from pathlib import Path

import numpy as np
import pytest

from nlp.cues import Cue
from nlp.factors import Factor
from nlp.normalize import normalize
from nlp.predictor import POSSIBLE_DANGER, Decisions, Scored, Triage, decide
from nlp.reading import Reading
from nlp.registry import load_live
from nlp.stacking import UrgencyStacker, feature_names

LONG_ACCOUNT = (
    "这块地的事从2015年就开始吵，村里调解了三次，镇上也来过人，双方各说各的，一直没结果。"
    "今年春天他把界桩拔了，我们去找他理论，他不认。"
    "今天下午他拿着锄头站在地头，说谁敢过来就砍死谁。"
)


@pytest.fixture(scope="module")
def triage(models_root: Path) -> Triage:
    pipeline, manifest = load_live(models_root)
    return Triage(pipeline, manifest)


def test_the_clause_that_carried_the_danger_is_shown(triage: Triage) -> None:
    prediction = triage.predict([LONG_ACCOUNT])[0]
    assert prediction.danger is not None
    assert prediction.danger.text == "今天下午他拿着锄头站在地头,说谁敢过来就砍死谁。"
    assert {"weapon", "threat"} <= set(prediction.danger.signals)


def test_clause_reading_is_the_highest_p_high_of_the_pieces_read_alone(triage: Triage) -> None:
    text = normalize(LONG_ACCOUNT)
    scored, _ = triage.score([text])
    sentences = [s + "。" for s in text.split("。") if s]
    alone, _ = triage.score(sentences)
    best = max(range(len(alone)), key=lambda i: alone[i].text_urgency["high"])
    assert scored[0].clause[0] == pytest.approx(alone[best].text_urgency["high"], abs=1e-6)
    start, end = scored[0].clause[1:]
    assert text[start:end] == sentences[best]


def test_a_text_of_one_piece_is_its_own_clause(triage: Triage) -> None:
    scored, _ = triage.score(["隔壁的狗天天叫"])
    assert scored[0].clause[0] == pytest.approx(scored[0].text_urgency["high"])


def one(p_high: float, clause: float = 0.0, factors: tuple[Factor, ...] = ()) -> Scored:
    scores = {"high": p_high, "low": 1.0 - p_high - 0.1, "medium": 0.1}
    text = "他们两家为了地边吵了很久"
    return Scored(text, {"land": 0.95, "other": 0.05}, scores, Reading((), factors), (clause, 0, len(text)), scores)


def test_possible_danger_sends_an_uncalled_high_to_review() -> None:
    d = Decisions(danger_net=0.2)
    flagged = decide(one(0.25), d)
    assert flagged.urgency.label != "high"
    assert flagged.needs_review and flagged.review_reasons[0] == POSSIBLE_DANGER
    assert flagged.danger is not None  # the clerk is shown where to look
    assert POSSIBLE_DANGER not in decide(one(0.1), d).review_reasons


def test_a_dangerous_piece_raises_the_net_even_when_the_whole_text_reads_calm() -> None:
    d = Decisions(danger_net=0.2, clause_net=0.5)
    assert POSSIBLE_DANGER in decide(one(0.05, clause=0.6), d).review_reasons
    assert POSSIBLE_DANGER not in decide(one(0.05, clause=0.4), d).review_reasons


def test_high_is_never_flagged_as_possible_danger() -> None:
    d = Decisions(danger_net=0.2, high_threshold=0.3)
    prediction = decide(one(0.35), d)
    assert prediction.urgency.label == "high"
    assert POSSIBLE_DANGER not in prediction.review_reasons


def test_low_needs_a_small_p_high() -> None:
    assert decide(one(0.2), Decisions(low_guard=0.15)).urgency.label == "medium"
    assert decide(one(0.1), Decisions(low_guard=0.15)).urgency.label == "low"


def test_cue_lift_applies_only_when_chosen() -> None:
    text = "他拿着刀站在门口"
    scores = {"high": 0.2, "low": 0.7, "medium": 0.1}
    cue = Reading((Cue("拿着刀", "weapon", 1, 4),), ())
    s = Scored(text, {"other": 1.0}, scores, cue, (0.2, 0, len(text)), scores)
    assert decide(s, Decisions(cue_lift=False)).urgency.label == "low"
    lifted = decide(s, Decisions(cue_lift=True, cue_precision=0.85))
    assert lifted.urgency.label == "high"
    assert lifted.urgency.confidence == pytest.approx(0.85)
    assert sum(lifted.urgency.scores.values()) == pytest.approx(1.0)


def test_factors_shown_follow_the_urgency_given() -> None:
    many = Factor("many_affected", "二十几个人", 0, 5)
    calm = Factor("stable", "想咨询", 6, 9)
    when = Factor("recent", "今天", 10, 12)
    factors = (many, calm, when)
    assert decide(one(0.01, factors=factors), Decisions()).factors == [calm, when]  # low
    medium = decide(one(0.01, factors=factors), Decisions(low_guard=0.0))
    assert medium.urgency.label == "medium" and medium.factors == [many, when]


def test_stacker_weights_round_trip_through_json_and_refuse_other_features() -> None:
    names = feature_names(["high", "low", "medium"])
    rng = np.random.default_rng(0)
    stacker = UrgencyStacker(("high", "low", "medium"), names, rng.normal(size=(3, len(names))), rng.normal(size=3))
    again = UrgencyStacker.from_json(stacker.to_json(), ["high", "low", "medium"])
    rows = rng.normal(size=(4, len(names)))
    np.testing.assert_allclose(again.predict_proba(rows), stacker.predict_proba(rows), atol=1e-5)
    np.testing.assert_allclose(again.predict_proba(rows).sum(axis=1), 1.0)
    stale = stacker.to_json() | {"features": list(names[:-1]) + ["cue:something_new"]}
    with pytest.raises(ValueError, match="other features"):
        UrgencyStacker.from_json(stale, ["high", "low", "medium"])


def test_stacker_matches_scikit_learns_logistic_regression() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    names = feature_names(["high", "low", "medium"])
    X = rng.normal(size=(90, len(names)))
    y = np.array(["high", "low", "medium"] * 30)
    model = LogisticRegression(max_iter=2000).fit(X, y)
    ours = UrgencyStacker(tuple(model.classes_), names, model.coef_, model.intercept_)
    np.testing.assert_allclose(ours.predict_proba(X), model.predict_proba(X), atol=1e-10)


def test_a_model_trained_with_other_lexicons_is_named_in_the_log(
    models_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from nlp.resources import lexicons_sha256

    pipeline, manifest = load_live(models_root)
    assert manifest["lexicons_sha256"] == lexicons_sha256()
    with caplog.at_level("WARNING", logger="nlp.predictor"):
        Triage(pipeline, manifest)
        assert not caplog.records
        Triage(pipeline, manifest | {"lexicons_sha256": "0" * 64})
    assert "other danger or factor lexicons" in caplog.text
