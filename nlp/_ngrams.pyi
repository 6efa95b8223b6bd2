import numpy as np

def char_table(vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray, int]: ...
def char_features(
    text: str,
    low: int,
    high: int,
    keys: np.ndarray,
    values: np.ndarray,
    shift: int,
    idf: np.ndarray,
    sublinear: bool,
    offset: int,
) -> tuple[np.ndarray, np.ndarray]: ...
def word_features(
    tokens: list[str], low: int, high: int, vocabulary: dict[str, int], idf: np.ndarray, sublinear: bool, offset: int
) -> tuple[np.ndarray, np.ndarray]: ...
