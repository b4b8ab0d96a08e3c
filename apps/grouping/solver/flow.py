"""Given which cohorts open when, the best way to hand out participants is a min-cost flow.

Once the new cohorts at each start are fixed, choosing a start for every participant is a
transportation problem, which OR-Tools' min-cost flow solves exactly and fast even for tens
of thousands of people. The costs put, in order of importance: filling every new cohort up
to ``min_size``, placing as many people as possible (priority people first), and keeping the
number of people at each start close to its cohorts' target sizes. Kept cohorts that have
fallen below ``min_size`` get their missing members with the same priority as new ones.

In the soft pass, people who would join a start only through the soft tier pass through a
node of their own for that start, whose capacity is the number of soft members its cohorts
may take.
"""

from __future__ import annotations

from ortools.graph.python import min_cost_flow

from .prepare import Instance

# Every unit of flow ends in exactly one arc into the sink, so only the differences between
# these costs matter. Reaching ``min_size`` costs the start's index (below ``slots``), so
# among equally good answers the flow fills one start's new cohorts completely rather than
# splitting a few people over two starts that then both fall short.
_TOWARDS_TARGET = -1
_KEPT_ROOM = 0
_BEYOND_TARGET = 1
_UNPLACED = 100
_UNPLACED_PRIORITY = 500
_MINIMUM_PRIORITY = 1_000


def assign(instance: Instance, openings: list[tuple[int, int]]) -> dict[int, int]:
    """Map participants to starts, given the new cohorts as ``(facilitator, start)`` pairs.

    People left out are simply missing from the answer. Starts that cannot reach
    ``min_size`` per cohort come back short; ``settle`` closes cohorts there. People who
    can use the same starts are interchangeable, so each such group is one node of the
    network, which roughly halves its size on realistic rounds.
    """
    problem = instance.problem
    slots = instance.slots
    opened = [0] * slots
    target = [0] * slots
    for f, k in openings:
        opened[k] += 1
        target[k] += instance.target_of[f]
    groups = instance.groups(
        instance.candidates, usable=lambda k: opened[k] > 0 or instance.room[k] > 0
    )

    # Nodes: one per start, one per start for its soft members, one per group, the sink.
    first_group = 2 * slots
    sink = first_group + len(groups)
    tails: list[int] = []
    heads: list[int] = []
    capacities: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, capacity: int, cost: int) -> None:
        if capacity > 0:
            tails.append(tail)
            heads.append(head)
            capacities.append(capacity)
            costs.append(cost)

    for node, ((options, soft, priority), members) in enumerate(groups.items(), start=first_group):
        for k in options:
            arc(node, slots + k if k in soft else k, len(members), 0)
        arc(node, sink, len(members), _UNPLACED_PRIORITY if priority else _UNPLACED)
    for k in range(slots):
        count = opened[k]
        arc(slots + k, k, instance.soft_cap * count + instance.soft_room[k], 0)
        reach_minimum = k - slots - _MINIMUM_PRIORITY
        arc(k, sink, problem.min_size * count, reach_minimum)
        arc(k, sink, target[k] - problem.min_size * count, _TOWARDS_TARGET)
        arc(k, sink, problem.max_size * count - target[k], _BEYOND_TARGET)
        shortfall = instance.kept_shortfall[k]
        arc(k, sink, shortfall, reach_minimum)
        arc(k, sink, instance.room[k] - shortfall, _KEPT_ROOM)

    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    sizes = [len(members) for members in groups.values()]
    solver.set_nodes_supplies([*range(first_group, sink), sink], [*sizes, -sum(sizes)])
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = solver.flows(arcs).tolist()

    members_of = list(groups.values())
    assignment: dict[int, int] = {}
    for tail, head, amount in zip(tails, heads, flows, strict=True):
        if amount and tail >= first_group and head < sink:
            members = members_of[tail - first_group]
            start = head - slots if head >= slots else head
            for _ in range(amount):
                assignment[members.pop()] = start
    return assignment
