"""Conftest-shaped Dockerfile input: exact commands, and never an exception on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.checks.rego.inputs import conftest_dockerfile
from mlgate.formats.dockerfile import parse_dockerfile

DOCKERFILE = """\
ARG BASE=python:3.11
# build stage
FROM --platform=linux/amd64 ${BASE} AS build
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
COPY --from=build ["a b", "/srv/"]
ENV A=1 B="two words"
ENV LEGACY value with spaces
HEALTHCHECK --interval=5s CMD curl -f http://localhost/
ONBUILD RUN make
CMD ["python", "-m", "app"]
USER app
"""


def test_commands_have_conftest_fields_in_order() -> None:
    commands = conftest_dockerfile(parse_dockerfile(DOCKERFILE))
    assert [(c["Cmd"], c["SubCmd"], c["JSON"], c["Flags"], c["Value"], c["Stage"])
            for c in commands] == [
        ("arg", "", False, [], ["BASE=python:3.11"], 0),
        ("comment", "", False, [], ["build stage"], 0),
        ("from", "", False, ["--platform=linux/amd64"], ["${BASE}", "AS", "build"], 0),
        ("run", "", False, ["--mount=type=cache,target=/root/.cache"],
         ["pip install -r requirements.txt"], 0),
        ("copy", "", True, ["--from=build"], ["a b", "/srv/"], 0),
        ("env", "", False, [], ["A", "1", "B", '"two words"'], 0),
        ("env", "", False, [], ["LEGACY", "value with spaces"], 0),
        ("healthcheck", "", False, ["--interval=5s"], ["CMD", "curl -f http://localhost/"], 0),
        ("onbuild", "run", False, [], ["make"], 0),
        ("cmd", "", True, [], ["python", "-m", "app"], 0),
        ("user", "", False, [], ["app"], 0),
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("FROMRUNCOPYENVARGonbuild#=[]\"' \\\n-<EOF")),
               max_size=200))  # fmt: skip
def test_any_text_gives_a_command_list(text: str) -> None:
    commands = conftest_dockerfile(parse_dockerfile(text))
    assert all(isinstance(c["Value"], list) and c["Cmd"] == c["Cmd"].lower() for c in commands)
