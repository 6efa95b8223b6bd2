"""What a replica does at start-up, for tests that start several in their own processes: kept
apart from the test modules so a spawned process imports only the store."""

from multiprocessing.synchronize import Barrier

from store import migrate
from store.engine import make_engine


def start(url: str, barrier: Barrier) -> None:
    engine = make_engine(url, timeout_seconds=30)
    barrier.wait()  # all at once, as replicas rolled out together
    migrate.upgrade(engine)
