"""Cloud providers: AWS, Google Cloud, Azure, Databricks."""

from __future__ import annotations

import re

from mlgate.core.finding import Severity
from mlgate.credentials.rules.model import ROTATE, Anchor, Detector, ValidatorName, secret_rule

_AWS_KEY_ID = r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"
_AWS_PREFIXES = ("akia", "asia", "abia", "acca", "a3t")
# Key ids are upper case as issued: searched as written, one upper-case "A" is rare.
_AWS_ID_ANCHOR = Anchor(r"A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z2-7]{16}", folded=False)

AWS_ACCESS_KEY_ID = Detector(
    rule=secret_rule(
        1, "aws-access-key-id", Severity.HIGH,
        "AWS access key id (half of a long-term or temporary credential).",
        "Deactivate the key in IAM, rotate it, and use roles or a secret store. " + ROTATE,
    ),
    provider="aws",
    pattern=re.compile(rf"(?<![A-Za-z0-9])(?P<secret>{_AWS_KEY_ID})(?![A-Za-z0-9])"),
    keywords=_AWS_PREFIXES,
    entropy=3.0,
    validator=ValidatorName.AWS_KEY_ID,
    anchors=(_AWS_ID_ANCHOR,),
    reach=0,
)  # fmt: skip

# A 40-character secret only counts next to its key id or an explicit AWS secret keyword:
# alone, 40 base64 characters are as likely a hash or an encoded blob.
AWS_SECRET_ACCESS_KEY = Detector(
    rule=secret_rule(
        2, "aws-secret-access-key", Severity.CRITICAL,
        "AWS secret access key next to its key id or an AWS secret keyword.",
        "Deactivate the key pair in IAM and rotate it. " + ROTATE,
    ),
    provider="aws",
    pattern=re.compile(r"(?<![A-Za-z0-9/+])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
    keywords=(*_AWS_PREFIXES, "aws", "secret_access", "secretaccess", "secret-access"),
    entropy=4.0,
    context=re.compile(
        rf"{_AWS_KEY_ID}|(?i:aws[\w.\-]{{0,24}}secret|secret[_\-]?access[_\-]?key)"
    ),
    window=320,
    priority=15,
    anchors=(_AWS_ID_ANCHOR, Anchor("aws"), Anchor(r"secret[_\-]?access")),
    reach=400,
)  # fmt: skip

GCP_SERVICE_ACCOUNT = Detector(
    rule=secret_rule(
        3, "gcp-service-account-key", Severity.CRITICAL,
        "Google Cloud service-account JSON key with its private key.",
        "Delete the key in IAM (service account > keys) and use workload identity. " + ROTATE,
    ),
    provider="gcp",
    pattern=re.compile(
        r'"private_key"\s{0,8}:\s{0,8}"(?P<secret>-----BEGIN PRIVATE KEY-----'
        r"[A-Za-z0-9+/=\s\\]{64,16384}?-----END PRIVATE KEY-----)"
    ),
    keywords=("service_account",),
    context=re.compile(r'"type"\s{0,8}:\s{0,8}"service_account"'),
    window=8192,
    validator=ValidatorName.PRIVATE_KEY,
    priority=30,
    reach=32768,
)  # fmt: skip

GCP_API_KEY = Detector(
    rule=secret_rule(
        4, "gcp-api-key", Severity.HIGH, "Google Cloud API key.",
        "Delete or restrict the key in the Cloud console (APIs & Services > Credentials). "
        + ROTATE,
    ),
    provider="gcp",
    pattern=re.compile(r"(?<![A-Za-z0-9_\-])(?P<secret>AIza[0-9A-Za-z_\-]{35})(?![A-Za-z0-9_\-])"),
    keywords=("aiza",),
    entropy=3.5,
    anchors=(Anchor("AIza", folded=False),),
    reach=0,
)  # fmt: skip

AZURE_STORAGE_KEY = Detector(
    rule=secret_rule(
        5, "azure-storage-account-key", Severity.CRITICAL,
        "Azure storage account key (in a connection string or AccountKey= setting).",
        "Rotate the storage account key and use managed identities or SAS with expiry. "
        + ROTATE,
    ),
    provider="azure",
    pattern=re.compile(r"(?i:AccountKey)\s{0,4}=\s{0,4}(?P<secret>[A-Za-z0-9+/]{86}==)"),
    keywords=("accountkey",),
    entropy=4.5,
    validator=ValidatorName.AZURE_KEY,
    reach=0,
)  # fmt: skip

AZURE_SAS = Detector(
    rule=secret_rule(
        6, "azure-sas-token", Severity.HIGH,
        "Azure shared access signature (a signed URL query with sv= and sig=).",
        "Revoke the SAS (rotate the key or stored access policy that signed it). " + ROTATE,
    ),
    provider="azure",
    pattern=re.compile(
        r"\bsv=\d{4}-\d\d-\d\d&[^\s\"'<>]{0,400}?\bsig=(?P<secret>[A-Za-z0-9%+/]{40,120})"
    ),
    keywords=("sig=",),
    entropy=4.0,
    reach=600,
)  # fmt: skip

DATABRICKS_TOKEN = Detector(
    rule=secret_rule(
        18, "databricks-token", Severity.HIGH, "Databricks personal access token.",
        "Revoke the token in Databricks user settings. " + ROTATE,
    ),
    provider="databricks",
    pattern=re.compile(r"(?<![A-Za-z0-9])(?P<secret>dapi[0-9a-f]{32}(?:-\d)?)(?![A-Za-z0-9])"),
    keywords=("dapi",),
    entropy=3.0,
    validator=ValidatorName.DATABRICKS,
    anchors=(Anchor("dapi[0-9a-f]{32}", folded=False),),
    reach=0,
)  # fmt: skip

DETECTORS = (
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, GCP_SERVICE_ACCOUNT, GCP_API_KEY,
    AZURE_STORAGE_KEY, AZURE_SAS, DATABRICKS_TOKEN,
)  # fmt: skip
