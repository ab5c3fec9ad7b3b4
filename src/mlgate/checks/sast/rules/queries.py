"""Query languages beyond SQL (XPath, LDAP filters) and writes across the trust boundary."""

from __future__ import annotations

from mlgate.checks.sast.rules.model import SanitizerSpec, SinkSpec, VulnClass

_XPATH_HINT = (
    "Keep the XPath expression constant and pass values as XPath variables: "
    "root.xpath('//user[@name=$name]', name=value)."
)
_LDAP_HINT = (
    "Escape values with ldap3.utils.conv.escape_filter_chars / ldap.filter.escape_filter_chars "
    "(or build the filter with ldap.filter.filter_format)."
)
# Modules whose ``search``/``find`` functions are not queries against a directory.
_NOT_LDAP = ("re.", "regex.", "fnmatch.", "glob.")


def _sinks(
    vuln: VulnClass,
    hint: str,
    callees: tuple[str, ...],
    *,
    args: tuple[int, ...] = (0,),
    kwargs: tuple[str, ...] = (),
    excludes: tuple[str, ...] = (),
) -> tuple[SinkSpec, ...]:
    return tuple(
        SinkSpec(callee=c, vuln=vuln, args=args, kwargs=kwargs, hint=hint, excludes=excludes)
        for c in callees
    )


QUERY_SINKS: tuple[SinkSpec, ...] = (
    *_sinks(
        VulnClass.XPATH,
        _XPATH_HINT,
        (".xpath", "lxml.etree.XPath", "lxml.etree.ETXPath", "elementpath.Selector"),
        kwargs=("_path", "path"),
    ),
    *_sinks(
        VulnClass.XPATH,
        _XPATH_HINT,
        ("elementpath.select", "elementpath.iter_select", "lxml.etree.XPathEvaluator"),
        args=(1,),
        kwargs=("path",),
    ),
    # ldap3: Connection.search(search_base, search_filter, ...).
    *_sinks(
        VulnClass.LDAP,
        _LDAP_HINT,
        (".search",),
        args=(0, 1),
        kwargs=("search_base", "search_filter"),
        excludes=_NOT_LDAP,
    ),
    # python-ldap: search_s(base, scope, filterstr, ...) and friends.
    *_sinks(
        VulnClass.LDAP,
        _LDAP_HINT,
        (".search_s", ".search_st", ".search_ext", ".search_ext_s", ".search_subtree_s"),
        args=(0, 2),
        kwargs=("base", "filterstr"),
    ),
)

QUERY_SANITIZERS: tuple[SanitizerSpec, ...] = tuple(
    SanitizerSpec(callee=c, clears=frozenset({VulnClass.LDAP}))
    for c in (
        "ldap3.utils.conv.escape_filter_chars",
        "ldap.filter.escape_filter_chars",
        "ldap.filter.filter_format",
        "ldap.dn.escape_dn_chars",
        "ldap3.utils.dn.escape_rdn",
    )
)

# Storing input in the server-side session lets it pass later checks as trusted.
SESSION_WRITE = SinkSpec(
    callee="session",
    vuln=VulnClass.TRUST_BOUNDARY,
    hint="Validate the value against an allow-list or a strict type before storing it in "
    "the session.",
)
SESSION_GLOBALS = frozenset({"flask.session", "quart.session"})
SESSION_METHODS = frozenset({"update", "setdefault", "__setitem__"})
