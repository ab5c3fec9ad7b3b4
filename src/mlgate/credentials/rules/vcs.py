"""Code hosting and package registries: GitHub, GitLab, npm, PyPI, Docker Hub, Hugging Face."""

from __future__ import annotations

import re

from mlgate.core.finding import Severity
from mlgate.credentials.rules.model import ROTATE, Anchor, Detector, ValidatorName, secret_rule

_END = r"(?![A-Za-z0-9_])"

GITHUB_TOKEN = Detector(
    rule=secret_rule(
        7, "github-token", Severity.CRITICAL,
        "GitHub token (personal, OAuth, user-to-server, server-to-server or refresh).",
        "Revoke it in GitHub settings (or the app's installation) and use GITHUB_TOKEN or "
        "OIDC in CI. " + ROTATE,
    ),
    provider="github",
    pattern=re.compile(rf"(?<![A-Za-z0-9_])(?P<secret>gh[pousr]_[A-Za-z0-9]{{36}}){_END}"),
    keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    validator=ValidatorName.GITHUB_CRC32,
    anchors=(Anchor("gh[pousr]_", folded=False),),
    reach=0,
)  # fmt: skip

GITHUB_FINE_GRAINED = Detector(
    rule=secret_rule(
        8, "github-fine-grained-token", Severity.CRITICAL,
        "GitHub fine-grained personal access token.",
        "Revoke it in GitHub settings > fine-grained tokens. " + ROTATE,
    ),
    provider="github",
    pattern=re.compile(
        rf"(?<![A-Za-z0-9_])(?P<secret>github_pat_[A-Za-z0-9]{{22}}_[A-Za-z0-9]{{59}}){_END}"
    ),
    keywords=("github_pat_",),
    validator=ValidatorName.GITHUB_CRC32,
    anchors=(Anchor("github_pat_", folded=False),),
    reach=0,
)  # fmt: skip

GITLAB_TOKEN = Detector(
    rule=secret_rule(
        9, "gitlab-token", Severity.CRITICAL,
        "GitLab access, deploy, runner or trigger token.",
        "Revoke it in GitLab (user, project or runner settings). " + ROTATE,
    ),
    provider="gitlab",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>(?:glpat|gldt|glrt|glptt|gloas)-[A-Za-z0-9_\-]{20,64})"
        r"(?![A-Za-z0-9_\-])"
    ),
    keywords=("glpat-", "gldt-", "glrt-", "glptt-", "gloas-"),
    entropy=3.3,
    anchors=(Anchor("gl(?:pat|dt|rt|ptt|oas)-", folded=False),),
    reach=0,
)  # fmt: skip

NPM_TOKEN = Detector(
    rule=secret_rule(
        20, "npm-token", Severity.HIGH, "npm access token.",
        "Revoke it with `npm token revoke` or on npmjs.com. " + ROTATE,
    ),
    provider="npm",
    pattern=re.compile(rf"(?<![A-Za-z0-9_])(?P<secret>npm_[A-Za-z0-9]{{36}}){_END}"),
    keywords=("npm_",),
    validator=ValidatorName.GITHUB_CRC32,
    anchors=(Anchor("npm_", folded=False),),
    reach=0,
)  # fmt: skip

PYPI_TOKEN = Detector(
    rule=secret_rule(
        21, "pypi-token", Severity.CRITICAL, "PyPI (or TestPyPI) API token.",
        "Delete the token in PyPI account settings and publish with trusted publishing. "
        + ROTATE,
    ),
    provider="pypi",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>pypi-Ag[A-Za-z0-9_\-]{60,400})(?![A-Za-z0-9_\-])"
    ),
    keywords=("pypi-",),
    validator=ValidatorName.PYPI_MACAROON,
    anchors=(Anchor("pypi-Ag", folded=False),),
    reach=0,
)  # fmt: skip

DOCKERHUB_TOKEN = Detector(
    rule=secret_rule(
        22, "dockerhub-token", Severity.HIGH, "Docker Hub personal access token.",
        "Delete it in Docker Hub account settings > security. " + ROTATE,
    ),
    provider="dockerhub",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>dckr_pat_[A-Za-z0-9_\-]{27})(?![A-Za-z0-9_\-])"
    ),
    keywords=("dckr_pat_",),
    entropy=3.3,
    validator=ValidatorName.DOCKERHUB,
    anchors=(Anchor("dckr_pat_", folded=False),),
    reach=0,
)  # fmt: skip

HUGGINGFACE_TOKEN = Detector(
    rule=secret_rule(
        17, "huggingface-token", Severity.HIGH, "Hugging Face user or organisation token.",
        "Invalidate it at huggingface.co/settings/tokens. " + ROTATE,
    ),
    provider="huggingface",
    pattern=re.compile(rf"(?<![A-Za-z0-9_])(?P<secret>(?:hf_|api_org_)[A-Za-z]{{34}}){_END}"),
    keywords=("hf_", "api_org_"),
    entropy=3.5,
    anchors=(Anchor("hf_", folded=False), Anchor("api_org_", folded=False)),
    reach=0,
)  # fmt: skip

DETECTORS = (
    GITHUB_TOKEN, GITHUB_FINE_GRAINED, GITLAB_TOKEN, NPM_TOKEN, PYPI_TOKEN, DOCKERHUB_TOKEN,
    HUGGINGFACE_TOKEN,
)  # fmt: skip
