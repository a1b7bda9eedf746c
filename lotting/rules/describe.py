"""A lot in words: its schedule of services and areas, as a commissioner writes it.

A lot holding employability in Angus and peer support in Perth and Kinross is not "employability;
peer_support" over "Angus;Perth and Kinross" (which reads as four units): its schedule is
"employability: Angus; peer support: Perth and Kinross".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from lotting.text import cut_list


def service_name(service: str) -> str:
    """A service identifier as words: ``peer_support`` → ``peer support``."""
    return service.replace("_", " ")


def schedule_parts(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(service, area) pairs grouped by service, both sorted, and services over the same areas
    named together ("employability and peer support"): the lot's schedule as data."""
    by_service: dict[str, set[str]] = {}
    for service, area in pairs:
        by_service.setdefault(service, set()).add(area)
    together: dict[tuple[str, ...], list[str]] = {}
    for service in sorted(by_service):
        together.setdefault(tuple(sorted(by_service[service])), []).append(service)
    parts = [
        (_and([service_name(s) for s in services]), list(areas))
        for areas, services in together.items()
    ]
    return sorted(parts, key=lambda p: p[0])


def _and(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def schedule(pairs: Iterable[tuple[str, str]], most: int | None = None) -> str:
    """The lot's schedule in one line; with ``most``, each service names at most that many areas
    and says how many more (never a silent cut).

    >>> schedule([("peer_support", "Perth and Kinross"), ("employability", "Angus")])
    'employability: Angus; peer support: Perth and Kinross'
    >>> schedule([("employability", "Fife"), ("peer_support", "Fife")])
    'employability and peer support: Fife'
    >>> schedule([("employability", a) for a in ("Angus", "Fife", "Moray")], most=1)
    'employability: Angus and 2 more'
    """
    parts = schedule_parts(pairs)
    return "; ".join(
        f"{s}: {cut_list(areas, most) if most else ', '.join(areas)}" for s, areas in parts
    )


def fit_schedule(pairs: Sequence[tuple[str, str]], width: int) -> str:
    """The schedule in at most ``width`` characters where it can be: areas are cut per service
    ("and N more") until it fits, down to one area per service.

    >>> fit_schedule([("employability", a) for a in ("Angus", "Fife", "Moray")], 32)
    'employability: Angus and 2 more'
    """
    full = schedule(pairs)
    if len(full) <= width:
        return full
    most = max((len(a) for _, a in schedule_parts(pairs)), default=1)
    for count in range(most - 1, 0, -1):
        text = schedule(pairs, count)
        if len(text) <= width:
            return text
    return schedule(pairs, 1)


def names_of(ids: Iterable[str], names: Mapping[str, str]) -> list[str]:
    """Supplier names for identifiers, the identifier itself where no name is known."""
    return [names.get(i) or i for i in ids]
