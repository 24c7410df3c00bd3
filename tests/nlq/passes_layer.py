"""A small clinic layer for the pass tests: booleans, filtered metrics, two tables."""

from __future__ import annotations

from nexatron.nlq import Lexicon, build_lexicon
from nexatron.semantic.model import SemanticLayer

CLINIC = {
    "metrics": [
        {
            "name": "visits_count",
            "label": "Number of visits",
            "synonyms": ["visits"],
            "table": "visits",
            "agg": "count",
            "time_dimension": "visit_date",
        },
        {
            "name": "fees",
            "label": "Fees",
            "table": "visits",
            "agg": "sum",
            "expr": "fee",
            "time_dimension": "visit_date",
        },
        {
            "name": "average_fee",
            "label": "Average fee",
            "table": "visits",
            "agg": "avg",
            "expr": "fee",
            "time_dimension": "visit_date",
        },
        {
            "name": "no_show_visits",
            "label": "No-show visits",
            "table": "visits",
            "agg": "count",
            "filter": [{"field": "no_show", "op": "=", "values": [True]}],
            "time_dimension": "visit_date",
        },
        {
            "name": "closed_visits",
            "label": "Closed visits",
            "table": "visits",
            "agg": "count",
            "filter": [{"field": "status", "op": "=", "values": ["Closed"]}],
            "time_dimension": "closed_at",
        },
        {
            "name": "line_charges",
            "label": "Line charges",
            "synonyms": ["charges"],
            "table": "visit_lines",
            "agg": "sum",
            "expr": "charge",
        },
        {
            "name": "visit_charges",
            "label": "Visit charges",
            "synonyms": ["charges"],
            "table": "visits",
            "agg": "sum",
            "expr": "charge",
        },
        {
            "name": "time_spent",
            "label": "Time spent",
            "table": "visits",
            "agg": "sum",
            "expr": "minutes",
        },
        {
            "name": "patients_count",
            "label": "Number of patients",
            "synonyms": ["patients"],
            "table": "patients",
            "agg": "count",
        },
    ],
    "dimensions": [
        {
            "name": "visit_date",
            "label": "Visit date",
            "type": "time",
            "table": "visits",
            "expr": "visit_date",
        },
        {
            "name": "no_show",
            "label": "No show",
            "type": "boolean",
            "table": "visits",
            "expr": "no_show",
        },
        {"name": "department", "label": "Department", "table": "visits", "expr": "department"},
        {"name": "fee", "label": "Fee", "type": "number", "table": "visits", "expr": "fee"},
        {
            "name": "status",
            "label": "Status",
            "table": "visits",
            "expr": "status",
        },
        {
            "name": "closed_at",
            "label": "Closing date",
            "type": "time",
            "table": "visits",
            "expr": "closed_at",
        },
        {
            "name": "minutes",
            "label": "Minutes",
            "synonyms": ["duration"],
            "type": "number",
            "table": "visits",
            "expr": "minutes",
        },
        {
            "name": "procedure",
            "label": "Procedure",
            "table": "visit_lines",
            "expr": "procedure",
        },
        {
            "name": "insured",
            "label": "Insured",
            "type": "boolean",
            "table": "patients",
            "expr": "insured",
        },
        {"name": "city", "label": "City", "table": "patients", "expr": "city"},
        {
            "name": "registered_at",
            "label": "Registration date",
            "synonyms": ["registered"],
            "type": "time",
            "table": "patients",
            "expr": "registered_at",
        },
    ],
    "relationships": [
        {
            "from_table": "visit_lines",
            "from_columns": ["visit_id"],
            "to_table": "visits",
            "to_columns": ["visit_id"],
        },
        {
            "from_table": "visits",
            "from_columns": ["patient_id"],
            "to_table": "patients",
            "to_columns": ["patient_id"],
        },
    ],
}
CLINIC_VALUES = {
    "department": ["Cardiology", "Radiology"],
    "city": ["Leeds", "York"],
    "status": ["Open", "Closed"],
}


def clinic_lexicon() -> Lexicon:
    return build_lexicon(SemanticLayer.model_validate(CLINIC), CLINIC_VALUES)
