"""Messaging, payments and AI APIs: Slack, Stripe, Twilio, SendGrid, OpenAI, Anthropic, W&B."""

from __future__ import annotations

import re

from mlgate.core.finding import Severity
from mlgate.credentials.rules.model import ROTATE, Anchor, Detector, ValidatorName, secret_rule

SLACK_TOKEN = Detector(
    rule=secret_rule(
        10, "slack-token", Severity.HIGH, "Slack bot, user, app or refresh token.",
        "Revoke it in the Slack app's OAuth settings. " + ROTATE,
    ),
    provider="slack",
    pattern=re.compile(
        r"(?<![A-Za-z0-9])(?P<secret>xox(?:[baprs]|e\.xox[bp]|e)-(?:\d{1,20}-){0,4}"
        r"[A-Za-z0-9]{10,64})(?![A-Za-z0-9\-])"
    ),
    keywords=("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe"),
    entropy=3.3,
    anchors=(Anchor("xox[bpares]", folded=False),),
    reach=0,
)  # fmt: skip

SLACK_WEBHOOK = Detector(
    rule=secret_rule(
        11, "slack-webhook", Severity.MEDIUM, "Slack incoming-webhook URL.",
        "Regenerate the webhook in the Slack app's settings. " + ROTATE,
    ),
    provider="slack",
    pattern=re.compile(
        r"https://hooks\.slack\.com/(?:services|workflows)/"
        r"(?P<secret>T[A-Z0-9]{8,12}/[AB][A-Z0-9]{8,12}/[A-Za-z0-9]{24})(?![A-Za-z0-9])"
    ),
    keywords=("hooks.slack.com",),
    entropy=3.5,
    reach=0,
)  # fmt: skip

STRIPE_KEY = Detector(
    rule=secret_rule(
        12, "stripe-secret-key", Severity.CRITICAL, "Stripe secret or restricted API key.",
        "Roll the key in the Stripe dashboard (Developers > API keys). " + ROTATE,
    ),
    provider="stripe",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_])(?P<secret>[sr]k_(?:live|test)_[0-9A-Za-z]{24,99})(?![A-Za-z0-9_])"
    ),
    keywords=("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
    entropy=3.5,
    anchors=(Anchor("k_(?:live|test)_", folded=False),),
    reach=0,
)  # fmt: skip

TWILIO_API_KEY = Detector(
    rule=secret_rule(
        13, "twilio-api-key", Severity.HIGH, "Twilio API key SID.",
        "Delete the API key in the Twilio console. " + ROTATE,
    ),
    provider="twilio",
    pattern=re.compile(r"(?<![A-Za-z0-9])(?P<secret>SK[0-9a-f]{32})(?![A-Za-z0-9])"),
    keywords=("sk",),
    entropy=3.2,
    allow_hash_like=True,
    anchors=(Anchor("SK[0-9a-f]{32}", folded=False),),
    reach=0,
)  # fmt: skip

# An auth token is 32 hex digits, the shape of an MD5: it counts only within a few lines of
# its account SID (``AC`` + 32 hex digits), and not under a name that says digest or id.
TWILIO_AUTH_TOKEN = Detector(
    rule=secret_rule(
        27, "twilio-auth-token", Severity.CRITICAL,
        "Twilio auth token next to its account SID.",
        "Rotate the auth token in the Twilio console (create the secondary token, promote "
        "it). " + ROTATE,
    ),
    provider="twilio",
    pattern=re.compile(
        r"(?:(?P<key>[A-Za-z_][\w.\-]{0,40})[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?)?"
        r"(?<![A-Za-z0-9])(?P<secret>[0-9a-f]{32})(?![A-Za-z0-9])"
    ),
    keywords=("ac",),
    entropy=3.0,
    context=re.compile(r"(?<![A-Za-z0-9])AC[0-9a-f]{32}(?![A-Za-z0-9])"),
    window=320,
    validator=ValidatorName.NOT_A_HASH_NAME,
    priority=15,
    allow_hash_like=True,
    anchors=(Anchor("AC[0-9a-f]{32}", folded=False),),
    reach=400,
)  # fmt: skip

SENDGRID_KEY = Detector(
    rule=secret_rule(
        14, "sendgrid-api-key", Severity.HIGH, "SendGrid API key.",
        "Delete the key in SendGrid settings > API keys. " + ROTATE,
    ),
    provider="sendgrid",
    pattern=re.compile(
        r"(?<![A-Za-z0-9])(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})"
        r"(?![A-Za-z0-9_\-])"
    ),
    keywords=("sg.",),
    entropy=4.0,
    anchors=(Anchor(r"SG\.", folded=False),),
    reach=0,
)  # fmt: skip

# "T3BlbkFJ" is base64 for "OpenAI": every OpenAI key format embeds it mid-token.
OPENAI_KEY = Detector(
    rule=secret_rule(
        15, "openai-api-key", Severity.HIGH, "OpenAI API key (user, project or service account).",
        "Revoke it at platform.openai.com (API keys). " + ROTATE,
    ),
    provider="openai",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{16,160}"
        r"T3BlbkFJ[A-Za-z0-9_\-]{16,160})(?![A-Za-z0-9_\-])"
    ),
    keywords=("t3blbkfj",),
    entropy=4.0,
    anchors=(Anchor("T3BlbkFJ", folded=False),),
    reach=200,
)  # fmt: skip

ANTHROPIC_KEY = Detector(
    rule=secret_rule(
        16, "anthropic-api-key", Severity.HIGH, "Anthropic API or admin key.",
        "Disable the key in the Anthropic console. " + ROTATE,
    ),
    provider="anthropic",
    pattern=re.compile(
        r"(?<![A-Za-z0-9_\-])(?P<secret>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,100}AA)"
        r"(?![A-Za-z0-9_\-])"
    ),
    keywords=("sk-ant-",),
    entropy=4.0,
    anchors=(Anchor("sk-ant-", folded=False),),
    reach=0,
)  # fmt: skip

# W&B keys are 40 hex digits, the shape of a SHA-1: only a W&B keyword makes them one.
WANDB_KEY = Detector(
    rule=secret_rule(
        19, "wandb-api-key", Severity.MEDIUM, "Weights & Biases API key.",
        "Regenerate the key at wandb.ai/authorize. " + ROTATE,
    ),
    provider="wandb",
    pattern=re.compile(
        r"(?i:wandb)[\w.\-]{0,24}[\"']?[ \t]{0,4}(?:[=:(,]|key=)[ \t]{0,4}(?:key=)?[\"']?"
        r"(?P<secret>[0-9a-f]{40})(?![0-9A-Za-z])"
    ),
    keywords=("wandb",),
    entropy=3.0,
    validator=ValidatorName.WANDB,
    allow_hash_like=True,
    reach=0,
)  # fmt: skip

DETECTORS = (
    SLACK_TOKEN, SLACK_WEBHOOK, STRIPE_KEY, TWILIO_API_KEY, TWILIO_AUTH_TOKEN, SENDGRID_KEY,
    OPENAI_KEY, ANTHROPIC_KEY, WANDB_KEY,
)  # fmt: skip
