"""TOML, INI, .env and HCL 2 inputs in Conftest's shapes, and policies written against them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.manifests import write_tree
from mlgate.checks.rego import RegoCheck, RegoConfig
from mlgate.checks.rego.check import input_kind
from mlgate.checks.rego.documents import (
    DocumentSyntaxError,
    dotenv_document,
    hcl_document,
    ini_document,
    toml_document,
)
from mlgate.core.check import CheckContext
from mlgate.core.errors import ResourceLimitError

TERRAFORM = """\
resource "aws_alb_listener" "front" {
  protocol = "HTTP"
  port     = -1
  tags     = { team = "ml", owner = var.owner }
  default_action {
    type = "forward"
  }
  dynamic "rule" {
    for_each = local.rules
    content {
      name    = rule.key
      message = "for ${var.env}: \\"quoted\\" $${literal}"
      cond    = var.on ? 1 : 0
      doc     = <<-EOT
        owner ${var.owner}
        EOT
    }
  }
}
variable "owner" { type = list(string) }
provider "aws" { alias = "one" }
provider "aws" { alias = "two" }
"""


def test_hcl2_has_the_hcl2json_shape_conftest_uses() -> None:
    assert hcl_document(TERRAFORM.encode()) == {
        "resource": {"aws_alb_listener": {"front": [{
            "protocol": "HTTP",
            "port": -1,
            "tags": {"team": "ml", "owner": "${var.owner}"},
            "default_action": [{"type": "forward"}],
            "dynamic": {"rule": [{
                "for_each": "${local.rules}",
                "content": [{
                    "name": "${rule.key}",
                    "message": 'for ${var.env}: "quoted" ${literal}',
                    "cond": "${var.on ? 1 : 0}",
                    "doc": "owner ${var.owner}\n",
                }],
            }]},
        }]}},
        "variable": {"owner": [{"type": "list(string)"}]},
        "provider": {"aws": [{"alias": "one"}, {"alias": "two"}]},
    }  # fmt: skip


def test_tfvars_are_attributes() -> None:
    assert hcl_document(b'region = "eu-west-1"\nrate = 10\nzones = ["a", "b"]\n') == {
        "region": "eu-west-1", "rate": 10, "zones": ["a", "b"],
    }  # fmt: skip


def test_blocks_with_and_without_labels_under_one_name_are_bad_input() -> None:
    with pytest.raises(DocumentSyntaxError, match="with and without labels"):
        hcl_document(b'a "x" {}\na {}\n')


def test_toml_dates_become_rfc3339_text() -> None:
    text = "when = 1979-05-27T07:32:00Z\nday = 1979-05-27\n[server]\nports = [80, 443]\n"
    assert toml_document(text) == {
        "when": "1979-05-27T07:32:00Z", "day": "1979-05-27", "server": {"ports": [80, 443]},
    }  # fmt: skip


def test_ini_sections_hold_strings_and_the_default_section_is_dropped() -> None:
    text = "loose = 1\n[server]\nhttp_port = 3000 ; inline\nProtocol = \"http\"\n" \
           "[auth.basic]\nenabled=true\n[DEFAULT]\nx = 1\n"  # fmt: skip
    assert ini_document(text) == {
        "server": {"http_port": "3000", "Protocol": "http"},
        "auth.basic": {"enabled": "true"},
    }


def test_dotenv_quotes_comments_and_expansion_without_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLGATE_DOTENV_PROBE", "from-ci")
    text = ("# comment\nexport APP_NAME=api\nMYSQL_USER: root\n"
            "GREETING=\"hi\\n$APP_NAME\"\nRAW='$APP_NAME'\n"
            "URL=http://${APP_NAME}/x # trailing\nLEAK=${MLGATE_DOTENV_PROBE}\n"
            "MULTI=\"a\nb\"\n")  # fmt: skip
    assert dotenv_document(text) == {
        "APP_NAME": "api", "MYSQL_USER": "root", "GREETING": "hi\napi", "RAW": "$APP_NAME",
        "URL": "http://api/x", "LEAK": "", "MULTI": "a\nb",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("reader", "text"),
    [(toml_document, "a = "), (ini_document, "[s]\nno delimiter here\n"),
     (dotenv_document, "not an assignment\n"), (dotenv_document, 'A="open\n')],
)  # fmt: skip
def test_malformed_files_are_syntax_errors(reader: object, text: str) -> None:
    with pytest.raises(DocumentSyntaxError):
        reader(text)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("main.tf", "hcl2"), ("prod.tfvars", "hcl2"), ("main.tf.json", "json"),
     ("pyproject.toml", "toml"), ("grafana.ini", "ini"), (".env", "dotenv"),
     ("prod.env", "dotenv"), ("Dockerfile.dev", "dockerfile"), ("README", None)],
)  # fmt: skip
def test_parser_is_chosen_by_name_as_conftest_chooses(name: str, kind: str | None) -> None:
    assert input_kind(Path(name)) == kind


POLICY = """\
package main
import rego.v1

deny contains sprintf("ALB `%v` uses HTTP", [name]) if {
  some name, listeners in input.resource.aws_alb_listener
  listeners[_].protocol == "HTTP"
}

deny contains "MYSQL_USER should not be root" if input.MYSQL_USER == "root"

deny contains "Grafana port should be 3000" if input.server.http_port != "3000"

deny contains sprintf("%s: debug is on", [input.tool.app.name]) if input.tool.app.debug

deny contains "JSON plan: bucket is public" if {
  input.resource.aws_s3_bucket.logs.acl == "public-read"
}
"""


def test_policies_judge_every_format(tmp_path: Path) -> None:
    files = {
        "policy/p.rego": POLICY,
        "infra/main.tf": TERRAFORM,
        "infra/plan.tf.json": '{"resource": {"aws_s3_bucket": {"logs": {"acl": "public-read"}}}}',
        "app/.env": "MYSQL_USER=root\n",
        "app/grafana.ini": "[server]\nhttp_port = 8080\n",
        "app/config.toml": '[tool.app]\nname = "api"\ndebug = true\n',
    }
    write_tree(tmp_path, files)
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    include = ["*.tf", "*.json", "*.env", "*.ini", "*.toml"]
    result = RegoCheck().run(context, RegoConfig.model_validate({"include": include}))
    assert result.errors == ()
    assert {(f.location.path, f.message) for f in result.findings} == {
        ("infra/main.tf", "ALB `front` uses HTTP"),
        ("infra/plan.tf.json", "JSON plan: bucket is public"),
        ("app/.env", "MYSQL_USER should not be root"),
        ("app/grafana.ini", "Grafana port should be 3000"),
        ("app/config.toml", "api: debug is on"),
    }
    assert result.inputs == 5


def test_unreadable_input_is_an_error_not_a_pass(tmp_path: Path) -> None:
    write_tree(tmp_path, {"policy/p.rego": POLICY, "main.tf": 'resource "x" {\n'})
    context = CheckContext(root=tmp_path, gate="pre-deploy", today=date(2026, 1, 1))
    result = RegoCheck().run(context, RegoConfig.model_validate({"include": ["*.tf"]}))
    assert result.findings == ()
    assert len(result.errors) == 1 and result.errors[0].startswith("main.tf: cannot be read: ")


TEXT = st.text(alphabet=st.sampled_from(list("ab=:#;\"'$\\{}[]\n -_.1<EOF>")), max_size=80)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_any_text_gives_a_document_or_a_syntax_error(text: str) -> None:
    readers = (toml_document, ini_document, dotenv_document, lambda t: hcl_document(t.encode()))
    for reader in readers:
        try:
            document = reader(text)
        except (DocumentSyntaxError, ResourceLimitError) as error:
            document = error
        assert isinstance(document, dict | DocumentSyntaxError | ResourceLimitError)
