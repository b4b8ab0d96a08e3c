"""Addresses people or admins typed, made safe to put in an href.

A field that holds a link (a cohort's video call, a resource, a notification)
is rendered as a clickable address, and a browser runs whatever a
`javascript:` or `data:` address says. Forms check the scheme too, but a row
can also arrive through an import, the shell or an older version of a form;
so every such link is checked again where it is shown.
"""

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_link(value) -> str:
    """The address if it is an http(s) link or a path on this site, otherwise ""."""
    address = str(value or "").strip()
    # Browsers drop tabs, newlines and other control characters inside a scheme, so
    # "java\tscript:" would still run; no genuine link holds any of them.
    if not address or any(ord(character) <= 0x20 for character in address):
        return ""
    if address.startswith("/") and not address.startswith("//"):
        return address
    return address if urlsplit(address).scheme.lower() in WEB_SCHEMES else ""
