from __future__ import annotations

import pytest

from mlgate.cli.errors import guarded
from mlgate.cli.exit import ExitCode
from mlgate.core.errors import PolicyError, ResourceLimitError


def raising(error: BaseException) -> ExitCode:
    raise error


def test_input_errors_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = guarded(lambda: raising(PolicyError("bad key", path="p.yaml", line=3)), verbose=False)
    assert code is ExitCode.INPUT
    assert capsys.readouterr().err == "mlgate: error: p.yaml:3: bad key\n"


def test_resource_errors_carry_limit_and_actual(capsys: pytest.CaptureFixture[str]) -> None:
    error = ResourceLimitError("decompressed bytes", limit=100, actual=250)
    assert guarded(lambda: raising(error), verbose=False) is ExitCode.INTERNAL
    assert "decompressed bytes: limit 100, reached 250" in capsys.readouterr().err


def test_unexpected_errors_are_internal_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert guarded(lambda: raising(KeyError("x")), verbose=False) is ExitCode.INTERNAL
    assert "internal error: KeyError" in capsys.readouterr().err
    assert guarded(lambda: raising(KeyboardInterrupt()), verbose=False) is ExitCode.INTERNAL


def test_verbose_re_raises_for_the_traceback() -> None:
    with pytest.raises(KeyError):
        guarded(lambda: raising(KeyError("x")), verbose=True)
    with pytest.raises(PolicyError):
        guarded(lambda: raising(PolicyError("bad")), verbose=True)
