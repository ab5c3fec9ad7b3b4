from __future__ import annotations

import io

from mlgate.cli.progress import BarProgress, PlainProgress, choose_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = choose_progress(disabled=False, stream=stream)
    assert isinstance(progress, PlainProgress)
    progress.planned(2)
    progress.started("g", "sast")
    progress.finished("g", "sast", "ok", 1.25)
    assert stream.getvalue().splitlines() == [
        "mlgate: running 2 check(s)",
        "mlgate: g/sast started",
        "mlgate: g/sast finished: ok (1.2 s)",
    ]


def test_bar_on_a_terminal_keeps_errors_visible() -> None:
    stream = Terminal()
    progress = choose_progress(disabled=False, stream=stream)
    assert isinstance(progress, BarProgress)
    with progress:
        progress.planned(2)
        progress.started("g", "sast")
        progress.finished("g", "sast", "ok", 0.1)
        progress.started("g", "crash")
        progress.finished("g", "crash", "error", 0.1)
    assert "g/crash: error" in stream.getvalue()
    assert isinstance(choose_progress(disabled=True, stream=stream), PlainProgress)
