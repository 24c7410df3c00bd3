# ruff: noqa: E501
"""Write the cross runs: each blind question set asked of the other layer of its domain.

Only questions whose answerability or gold representation differs with the other layer change;
questions using concepts that layer lacks stay answerable, so a refusal counts as over-refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
FR = "flights f JOIN routes r ON f.route_id = r.route_id"
ORS = "orders o JOIN restaurants rs ON o.restaurant_id = rs.restaurant_id"
ANSWERABLE = {
    "abu1": f"SELECT r.route_name, count(*) FILTER (WHERE f.cancelled) * 1.0 / count(*) FROM {FR} GROUP BY 1",
    "abu2": "SELECT f.aircraft_type, count(*) FILTER (WHERE NOT f.cancelled AND f.delay_minutes <= 15)"
    " * 1.0 / count(*) FROM flights f GROUP BY 1",
    "abu13": "SELECT count(*) FROM flights f WHERE f.delay_minutes > 120",
    "rbu1": f"SELECT rs.region, count(*) FILTER (WHERE o.order_type = 'Delivery') * 1.0 / count(*) FROM {ORS} GROUP BY 1",
    "rbu7": "SELECT count(*) FROM orders o WHERE o.total_amount > 60",
    "ru3": "SELECT avg(o.party_size) FROM orders o WHERE o.order_type = 'Dine-in'",
}
BY_NAME = {"a3", "a20", "a58", "a78"}  # the bootstrapped layer has no airport-code dimension
RUNS = [("airline", "airline_bootstrap"), ("restaurants", "restaurants_bootstrap")]


def _adapt(q: dict[str, Any], to_bootstrap: bool) -> dict[str, Any]:
    q = dict(q)
    if q["id"] in ANSWERABLE:
        q.pop("unanswerable")
        q["sql"], q["note"] = ANSWERABLE[q["id"]], "answerable with this layer"
    if to_bootstrap and q["id"] in BY_NAME:
        q["sql"] = q["sql"].replace("SELECT ap.airport_code", "SELECT ap.airport_name")
        q["note"] = "airport shown by name: this layer has no airport-code dimension"
    return q


def main() -> None:
    for hand, boot in RUNS:
        for qset, layer, suffix in (
            (hand, boot, "on_bootstrap_layer"),
            (boot, hand, "on_hand_layer"),
        ):
            spec = yaml.safe_load((HERE / f"{qset}.yaml").read_text())
            doc = {
                "name": f"blind-{qset.replace('_', '-')}-{suffix.replace('_', '-')}",
                "dataset": spec["dataset"],
                "layer": f"layers/{layer}.yaml",
                "now": spec["now"],
                "timezone": spec["timezone"],
                "questions": [_adapt(q, layer == boot) for q in spec["questions"]],
            }
            head = f"# Cross run: {qset}.yaml asked of layers/{layer}.yaml (eval/blind/make_cross_runs.py).\n"
            text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200)
            (HERE / f"{qset}_{suffix}.yaml").write_text(head + text)


if __name__ == "__main__":
    main()
