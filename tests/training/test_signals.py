"""The measure of each danger signal and urgency factor: counts, precision and recall."""

from training.dataset import Record
from training.signals import measure, table


def test_precision_and_recall_of_a_signal_and_a_factor() -> None:
    records = [
        Record(text="他拿着菜刀站在门口", type="neighbour", urgency="high"),
        Record(text="我拿着刀在厨房切菜", type="neighbour", urgency="low"),  # a near miss: no cue
        Record(text="他举起锄头要打人", type="land", urgency="medium"),  # a cue on a record not labelled high
        Record(text="老人被锁在屋里", type="family", urgency="high"),
        Record(text="拖欠12名工人工资", type="wages", urgency="medium"),
        Record(text="拖欠3名工人工资", type="wages", urgency="low"),
    ]
    m = measure(records)
    assert m["signals"]["weapon"] == {"fires": 2, "precision": 0.5, "recall": 0.5}
    assert m["signals"]["confinement"]["fires"] == 1 and m["signals"]["confinement"]["precision"] == 1.0
    assert m["signals"]["any"]["recall"] == 1.0
    many = m["factors"]["many_affected"]
    assert many["fires"] == 1 and many["precision"] == 1.0 and many["recall"] == 0.25  # of 4 medium or high
    assert m["signals"]["hazard"]["precision"] is None  # never fired: no precision to speak of
    rendered = table({"mine": m})
    assert "| weapon | 2 | 0.50 | 0.50 |" in rendered
