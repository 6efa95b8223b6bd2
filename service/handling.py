"""What the centre does with a case, from its urgency: the deadline, and the 四级七天 ladder.

四级七天 is the escalation practice of the governance centres: a dispute the grid worker (网格员)
cannot settle in one day goes to the community (社区), then to the governance centre (综治中心),
then to the township (乡镇), two days each, so that every case is settled within seven days.
Each level's hours are settings. A level is due when the hours of the levels before it and its
own have run, but never after the urgency's own deadline: a `low` case follows the whole ladder
(1 + 2 + 2 + 2 days = 168 h), a `medium` one must reach every level within its 48 h, and a
`high` one engages every level the same day (its 4 h).
"""

from functools import lru_cache
from typing import Any

from service.schemas import Handling, HandlingLevel
from service.settings import Settings

# (code, Chinese name, settings field), bottom of the ladder first.
LEVELS = (
    ("grid", "网格员", "level_grid_hours"),
    ("community", "社区", "level_community_hours"),
    ("centre", "综治中心", "level_centre_hours"),
    ("township", "乡镇", "level_township_hours"),
)
SAME_DAY_HOURS = 24


def _ladder(settings: Settings) -> tuple[int, ...]:
    return tuple(int(getattr(settings, field)) for _, _, field in LEVELS)


def handling(settings: Settings, urgency: str) -> Handling:
    """The handling of a case of this urgency under these settings."""
    return _schedule(settings.deadline_hours(urgency), _ladder(settings))


@lru_cache(maxsize=64)
def _schedule(deadline: int, hours: tuple[int, ...]) -> Handling:
    """Made once per deadline and ladder: the response shares it (it is never changed)."""
    levels: list[HandlingLevel] = []
    reached = 0
    for (code, name, _), own in zip(LEVELS, hours, strict=True):
        due = min(reached + own, deadline)
        levels.append(HandlingLevel(level=code, name=name, hours=due - reached, due_hours=due))
        reached = due
    return Handling(deadline_hours=deadline, same_day=deadline <= SAME_DAY_HOURS, levels=levels)


@lru_cache(maxsize=64)
def _schedule_json(deadline: int, hours: tuple[int, ...]) -> dict[str, Any]:
    return _schedule(deadline, hours).model_dump()


def handling_json(settings: Settings, urgency: str) -> dict[str, Any]:
    """`handling` as JSON-ready data, made once per deadline and ladder (never changed by callers)."""
    return _schedule_json(settings.deadline_hours(urgency), _ladder(settings))
