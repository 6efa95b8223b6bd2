class Segmenter:
    def __init__(
        self,
        freq: dict[str, int],
        total: int,
        start_p: dict[str, float],
        trans_p: dict[str, dict[str, float]],
        emit_p: dict[str, dict[str, float]],
    ) -> None: ...
    def cut(self, text: str) -> list[str]: ...
