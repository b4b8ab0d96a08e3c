"""The IANA time zones people can choose from.

Only names are stored, never offsets: an offset is right for half the year at
best, and availability entered against a fixed offset shifts by an hour at
every daylight-saving change.
"""

import zoneinfo
from functools import cache


@cache
def timezone_names() -> tuple[str, ...]:
    # Drop the legacy aliases ("US/Eastern", "Etc/GMT+5") that confuse more
    # than they help; keep UTC itself.
    names = {
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")) and name != "localtime"
    }
    names.add("UTC")
    return tuple(sorted(names))


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()
