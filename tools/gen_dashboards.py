"""Build the CRM Plus dashboards (addons/crm_plus/data/dashboards/*_dashboard.json) from the layout below.

    python3 tools/gen_dashboards.py

The dashboards are spreadsheets of Odoo's Dashboards app (``spreadsheet_dashboard``). Writing their JSON by hand
is error-prone (ids, field matching of every filter on every chart, pivot and list); this script declares each
dashboard as a few blocks and writes the JSON, always the same for the same layout (ids are derived from names).
Every chart, pivot and list reads a crm_plus report model, so that the record rules and the global filters
(period, sales team, salesperson, company) apply; a click on a chart opens the report rows behind the bar, a
click on a pivot value the rows behind the value, a title the report itself, a scorecard the report's menu.

Texts are English, translated through the addon's .po files: chart titles are empty (the title is the link cell
above the chart), every other visible text is a link label or a ``_t("...")`` formula, both exported by
``make i18n``. ``addons/crm_plus/tests/test_dashboards.py`` checks every model, field, measure, group-by, filter
chain, action and menu named here against the installed addon.
"""

import json
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "addons" / "crm_plus" / "data" / "dashboards"
VERSION = "18.5.10"
TOP_GROUPS = "crm_plus_top_groups"  # as addons/crm_plus/report/crm_plus_report_common.py
# the dashboards read these reports' snapshots (addons/crm_plus/report/crm_plus_report_snapshot.py)
SNAPSHOT = "crm_plus_dashboard_snapshot"
SNAPSHOT_MODELS = {
    "crm_plus.report.aging",
    "crm_plus.report.customer.value",
    "crm_plus.report.dunning",
    "crm_plus.report.execution",
    "crm_plus.report.funnel",
    "crm_plus.report.product",
    "crm_plus.report.rounds",
    "crm_plus.report.staff",
    "crm_plus.report.target",
}


def read_context(model, context=None):
    """The context of a dashboard's read of model: its snapshot where it keeps one."""
    return {**(context or {}), **({SNAPSHOT: True} if model in SNAPSHOT_MODELS else {})}


NS = uuid.UUID("7d3c1c52-4f0a-4d7c-9a43-0d5b7c1f2e10")

# ---------------------------------------------------------------------------------------------------- models
# per report model: the action that opens its rows, its menu, and the field each global filter matches
MODELS = {
    "crm_plus.report.rounds": {
        "action": "crm_plus.crm_plus_report_rounds_action",
        "menu": "crm_plus.crm_plus_report_rounds_menu",
        "period": ("date", "date"),
    },
    "crm_plus.report.funnel": {
        "action": "crm_plus.crm_plus_report_funnel_action",
        "menu": "crm_plus.crm_plus_report_funnel_menu",
        "period": ("create_date", "datetime"),
    },
    "crm_plus.report.product": {
        "action": "crm_plus.crm_plus_report_product_action",
        "menu": "crm_plus.crm_plus_report_product_menu",
        "period": ("date", "date"),
        "product_category": "categ_id",
    },
    "crm_plus.report.aging": {
        "action": "crm_plus.crm_plus_report_aging_action",
        "menu": "crm_plus.crm_plus_report_aging_menu",
        "period": ("date_due", "date"),
    },
    "crm_plus.report.dunning": {
        "action": "crm_plus.crm_plus_report_dunning_action",
        "menu": "crm_plus.crm_plus_report_dunning_menu",
        "period": ("date", "date"),
    },
    "crm_plus.report.execution": {
        "action": "crm_plus.crm_plus_report_execution_action",
        "menu": "crm_plus.crm_plus_report_execution_menu",
        "period": ("date_due", "date"),
    },
    "crm_plus.report.customer.value": {
        "action": "crm_plus.crm_plus_report_customer_value_action",
        "menu": "crm_plus.crm_plus_report_customer_value_menu",
        "period": ("date", "date"),
    },
    "crm_plus.report.customer.attribute": {
        "action": "crm_plus.crm_plus_report_customer_attribute_action",
        "menu": "crm_plus.crm_plus_report_customer_attribute_menu",
        "period": None,  # figures of the last 12 months, whatever the period
        "team": None,
    },
    "crm_plus.report.staff": {
        "action": "crm_plus.crm_plus_report_staff_action",
        "menu": "crm_plus.crm_plus_report_staff_menu",
        "period": ("date", "date"),
    },
    "crm_plus.report.target": {
        "action": "crm_plus.crm_plus_report_target_action",
        "menu": "crm_plus.crm_plus_report_target_menu",
        "period": ("date_from", "date"),
    },
    # not a report: each settled promise carries its own figure (kept_rate, 100 kept / 0 broken)
    "crm_plus.dunning.promise": {
        "action": "crm_plus.crm_plus_dunning_promise_action",
        "menu": "crm_plus.crm_plus_dunning_promise_menu",
        "period": ("date_closed", "date"),
        "team": None,  # a customer has no sales team
        "user": "partner_id.user_id",
    },
}

# ---------------------------------------------------------------------------------------------------- filters
FILTERS = {
    "period": {"type": "date", "label": "Period"},
    "team": {"type": "relation", "label": "Sales Team", "modelName": "crm.team"},
    "user": {
        "type": "relation",
        "label": "Salesperson",
        "modelName": "res.users",
        "domainOfAllowedValues": [["share", "=", False]],
    },
    "company": {"type": "relation", "label": "Company", "modelName": "res.company"},
    "product_category": {"type": "relation", "label": "Product Category", "modelName": "product.category"},
}
DEFAULT_MATCH = {"team": "team_id", "user": "user_id", "company": "company_id"}

# ---------------------------------------------------------------------------------------------------- layout
# 8 columns: a half-width block spans A-D or E-H
COL_WIDTHS = [190, 110, 110, 110, 190, 110, 110, 110]
ROW_HEIGHT = 23
HALF_WIDTH = sum(COL_WIDTHS[:4]) - 12
FULL_WIDTH = sum(COL_WIDTHS) - 12
PERCENT = "0.0%"
NUMBER = "#,##0"
DECIMAL = "#,##0.0"
STYLES = {
    "title": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "header": {"textColor": "#434343", "bold": True, "fontSize": 11},
    "text": {"textColor": "#434343", "verticalAlign": "middle"},
    "bold": {"bold": True},
}
# the first row field of each pivot, as its header
ROW_LABELS = {
    "user_id": "Salesperson",
    "partner_id": "Customer",
    "level_id": "Dunning Level",
    "categ_id": "Product Category",
    "product_id": "Product",
    "category_id": "Customer Category",
}
BORDERS = {"title": {"bottom": {"style": "thin", "color": "#CCCCCC"}}}

# a dashboard: name, file, default period, filters, then rows of blocks ("kpis" takes a row alone)
DASHBOARDS = [
    {
        "xmlid": "crm_plus_dashboard_sales",
        "file": "crm_plus_sales_dashboard.json",
        "period": "this_year",
        "filters": ["period", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        ("Deals", "crm_plus.report.rounds", "__count", "sum", [], NUMBER, 1),
                        ("Win Rate", "crm_plus.report.rounds", "win_rate", "avg", [], PERCENT, 100),
                        ("Rounds to Close", "crm_plus.report.rounds", "rounds_to_close", "avg", [], DECIMAL, 1),
                        (
                            "Discount Change per Round (pts)",
                            "crm_plus.report.rounds",
                            "discount_change",
                            "avg",
                            [],
                            DECIMAL,
                            1,
                        ),
                        ("Quote-to-Order", "crm_plus.report.funnel", "conversion_rate", "avg", [], PERCENT, 100),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Pipeline by Stage",
                    "model": "crm_plus.report.funnel",
                    "groupby": ["stage_id"],
                    "measure": "expected_revenue",
                    "domain": [["won_status", "=", "pending"]],
                    "axis": "Expected Revenue",
                },
                {
                    "kind": "chart",
                    "type": "line",
                    "title": "Win Rate by Month",
                    "model": "crm_plus.report.rounds",
                    "groupby": ["date:month"],
                    "measure": "win_rate",
                    "domain": [],
                    "axis": "Win Rate (%)",
                },
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Rounds per Deal by Month",
                    "model": "crm_plus.report.rounds",
                    "groupby": ["date:month"],
                    "measure": "round_count",
                    "domain": [],
                    "axis": "Rounds",
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Discount Drift per Round",
                    "model": "crm_plus.report.product",
                    "groupby": ["round_number"],
                    "measure": "discount",
                    "domain": [],
                    "axis": "Average Line Discount (%)",
                },
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Deals by Salesperson",
                    "model": "crm_plus.report.rounds",
                    "rows": ["user_id"],
                    "measures": [
                        ("__count", "sum"),
                        ("win_rate", "avg"),
                        ("rounds_to_close", "avg"),
                        ("discount_change", "avg"),
                    ],
                    "domain": [],
                    "sort": ("__count", "desc"),
                    "limit": 10,
                    "full": True,
                }
            ],
        ],
    },
    {
        "xmlid": "crm_plus_dashboard_receivables",
        "file": "crm_plus_receivables_dashboard.json",
        "period": None,
        "filters": ["period", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        ("Open Receivables", "crm_plus.report.aging", "amount_residual", "sum", [], NUMBER, 1),
                        (
                            "Overdue",
                            "crm_plus.report.aging",
                            "amount_residual",
                            "sum",
                            [["days_overdue", ">", 0]],
                            NUMBER,
                            1,
                        ),
                        ("Overdue > 90 Days", "crm_plus.report.aging", "amount_over_90", "sum", [], NUMBER, 1),
                        (
                            "Collected after Dunning",
                            "crm_plus.report.dunning",
                            "collection_rate",
                            "avg",
                            [],
                            PERCENT,
                            100,
                        ),
                        (
                            "Promises Kept",
                            "crm_plus.dunning.promise",
                            "kept_rate",
                            "avg",
                            [["kind", "=", "promise"], ["state", "in", ["kept", "broken"]]],
                            PERCENT,
                            100,
                        ),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Aging Buckets",
                    "model": "crm_plus.report.aging",
                    "groupby": ["bucket"],
                    "measure": "amount_residual",
                    "domain": [],
                    "axis": "Open Amount",
                },
                {
                    "kind": "chart",
                    "type": "line",
                    "title": "Overdue Amounts by Due Month",
                    "model": "crm_plus.report.aging",
                    "groupby": ["date_due:month"],
                    "measure": "amount_residual",
                    "domain": [["days_overdue", ">", 0]],
                    "axis": "Overdue Amount",
                },
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Dunning Effectiveness by Level",
                    "model": "crm_plus.report.dunning",
                    "groupby": ["level_id"],
                    "measure": "collection_rate",
                    "domain": [],
                    "axis": "Collected (%)",
                },
                {
                    "kind": "pivot",
                    "title": "Dunned and Collected by Level",
                    "model": "crm_plus.report.dunning",
                    "rows": ["level_id"],
                    "measures": [("amount_dunned", "sum"), ("amount_collected", "sum"), ("amount_open", "sum")],
                    "domain": [],
                    "sort": None,
                    "limit": 10,
                },
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Customers Most Overdue",
                    "model": "crm_plus.report.aging",
                    "rows": ["partner_id"],
                    "measures": [
                        ("amount_residual", "sum"),
                        ("amount_1_30", "sum"),
                        ("amount_31_60", "sum"),
                        ("amount_61_90", "sum"),
                        ("amount_over_90", "sum"),
                    ],
                    "domain": [["days_overdue", ">", 0]],
                    "sort": ("amount_residual", "desc"),
                    "limit": 10,
                    "top": True,  # thousands of customers: the server sends the 10 shown
                    "full": True,
                }
            ],
        ],
    },
    {
        "xmlid": "crm_plus_dashboard_execution",
        "file": "crm_plus_execution_dashboard.json",
        "period": "this_year",
        "filters": ["period", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        ("Steps On Time", "crm_plus.report.execution", "on_time_rate", "avg", [], PERCENT, 100),
                        ("Overdue Steps", "crm_plus.report.execution", "is_overdue", "sum", [], NUMBER, 1),
                        ("Average Days Late", "crm_plus.report.execution", "days_late", "avg", [], DECIMAL, 1),
                        (
                            "Due This Week",
                            "crm_plus.report.execution",
                            "due_this_week",
                            "sum",
                            [["due_this_week", "=", 1]],  # the same sum, read from the steps due only
                            NUMBER,
                            1,
                            {"period": False},
                        ),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "line",
                    "title": "On-Time Rate by Month",
                    "model": "crm_plus.report.execution",
                    "groupby": ["date_due:month"],
                    "measure": "on_time_rate",
                    "domain": [],
                    "axis": "On Time (%)",
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Steps Due This Week by Responsible",
                    "model": "crm_plus.report.execution",
                    "groupby": ["user_id"],
                    "measure": "__count",
                    "domain": [["due_this_week", "=", 1]],
                    "axis": "Steps",
                    "match": {"period": False},
                },
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "On-Time Rate by Action Type",
                    "model": "crm_plus.report.execution",
                    "groupby": ["action_type_id"],
                    "measure": "on_time_rate",
                    "domain": [],
                    "axis": "On Time (%)",
                },
                {
                    "kind": "pivot",
                    "title": "Overdue Steps by Responsible",
                    "model": "crm_plus.report.execution",
                    "rows": ["user_id"],
                    "measures": [("is_overdue", "sum"), ("days_late", "avg")],
                    "domain": [["is_overdue", "=", 1]],
                    "sort": ("is_overdue", "desc"),
                    "limit": 10,
                },
            ],
            [
                {
                    "kind": "list",
                    "title": "Most Late Open Steps",
                    "model": "crm_plus.report.execution",
                    "columns": ["step_id", "order_id", "partner_id", "user_id", "date_due", "days_late"],
                    "domain": [["is_overdue", "=", 1]],
                    # an open step's days late are today - its planned date: the oldest planned date first is the
                    # same order, read from the snapshot's index of overdue steps instead of sorting them all
                    "order": [("date_due", True), ("id", True)],
                    "rule_fields": ["company_id", "salesperson_id", "team_id"],
                    "limit": 10,
                    "full": True,
                }
            ],
        ],
    },
    {
        "xmlid": "crm_plus_dashboard_customers",
        "file": "crm_plus_customers_dashboard.json",
        "period": "this_year",
        "filters": ["period", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        ("Revenue", "crm_plus.report.customer.value", "revenue", "sum", [], NUMBER, 1),
                        (
                            "Customers Buying",
                            "crm_plus.report.customer.value",
                            "partner_id",
                            "count_distinct",
                            [],
                            NUMBER,
                            1,
                        ),
                        (
                            "A Customers",
                            "crm_plus.report.customer.value",
                            "partner_id",
                            "count_distinct",
                            [["abc_class", "=", "a"]],
                            NUMBER,
                            1,
                        ),
                        (
                            "New Customers",
                            "crm_plus.report.staff",
                            "new_customers",
                            "sum",
                            [["source", "=", "customer"]],
                            NUMBER,
                            1,
                        ),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "pie",
                    "title": "Revenue by ABC Class",
                    "model": "crm_plus.report.customer.value",
                    "groupby": ["abc_class"],
                    "measure": "revenue",
                    "domain": [],
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Revenue by Customer Category",
                    "model": "crm_plus.report.customer.value",
                    "groupby": ["category_id"],
                    "measure": "revenue",
                    "domain": [],
                    "axis": "Revenue",
                },
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Customers by Attribute",
                    "model": "crm_plus.report.customer.attribute",
                    "groupby": ["attribute_id", "value"],
                    "measure": "__count",
                    "domain": [],
                    "axis": "Customers",
                    "stacked": True,
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "New Customers by Month",
                    "model": "crm_plus.report.staff",
                    "groupby": ["date:month"],
                    "measure": "new_customers",
                    "domain": [["source", "=", "customer"]],
                    "axis": "New Customers",
                },
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Top Customers",
                    "model": "crm_plus.report.customer.value",
                    "rows": ["partner_id"],
                    "measures": [("revenue", "sum"), ("order_count", "sum")],
                    "domain": [],
                    "sort": ("revenue", "desc"),
                    "limit": 10,
                    "top": True,  # thousands of customers: the server sends the 10 shown
                },
                {
                    "kind": "pivot",
                    "title": "Customer Categories",
                    "model": "crm_plus.report.customer.value",
                    "rows": ["category_id"],
                    "measures": [("revenue", "sum"), ("partner_id", "count_distinct")],
                    "domain": [],
                    "sort": ("revenue", "desc"),
                    "limit": 10,
                },
            ],
        ],
    },
    {
        "xmlid": "crm_plus_dashboard_team",
        "file": "crm_plus_team_dashboard.json",
        "period": "this_month",
        "filters": ["period", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        (
                            "Revenue Target Achieved",
                            "crm_plus.report.target",
                            "achievement_pct",
                            "avg",
                            [["measure", "=", "revenue"]],
                            PERCENT,
                            100,
                        ),
                        ("Revenue", "crm_plus.report.staff", "revenue", "sum", [["source", "=", "order"]], NUMBER, 1),
                        (
                            "Collections",
                            "crm_plus.report.staff",
                            "collections",
                            "sum",
                            [["source", "=", "collection"]],
                            NUMBER,
                            1,
                        ),
                        (
                            "Opportunities Won",
                            "crm_plus.report.staff",
                            "opportunity_won",
                            "sum",
                            [["source", "=", "opportunity"]],
                            NUMBER,
                            1,
                        ),
                        (
                            "Follow-ups",
                            "crm_plus.report.staff",
                            "followups",
                            "sum",
                            [["source", "=", "followup"]],
                            NUMBER,
                            1,
                        ),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Revenue Target Achievement by Salesperson",
                    "model": "crm_plus.report.target",
                    "groupby": ["user_id"],
                    "measure": "achievement_pct",
                    "domain": [["measure", "=", "revenue"], ["target_type", "=", "user"]],
                    "axis": "Achievement (%)",
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Collections Target Achievement by Salesperson",
                    "model": "crm_plus.report.target",
                    "groupby": ["user_id"],
                    "measure": "achievement_pct",
                    "domain": [["measure", "=", "collections"], ["target_type", "=", "user"]],
                    "axis": "Achievement (%)",
                },
            ],
            [
                {
                    "kind": "list",
                    "title": "Target Ranking",
                    "model": "crm_plus.report.target",
                    "columns": [
                        "measure",
                        "rank",
                        "user_id",
                        "team_id",
                        "target_amount",
                        "achieved_amount",
                        "achievement_pct",
                    ],
                    "domain": [["target_type", "=", "user"]],
                    "order": [("measure", True), ("rank", True)],
                    "rule_fields": ["company_id"],
                    "limit": 12,
                    "full": True,
                }
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Sales by Salesperson",
                    "model": "crm_plus.report.staff",
                    "rows": ["user_id"],
                    "measures": [
                        ("opportunity_won", "sum"),
                        ("opportunity_lost", "sum"),
                        ("quote_count", "sum"),
                        ("new_round_count", "sum"),
                        ("rounds_to_win", "avg"),
                        ("revenue", "sum"),
                        ("new_customers", "sum"),
                    ],
                    "domain": [["source", "in", ["opportunity", "quote", "order", "customer"]]],
                    "sort": ("revenue", "desc"),
                    "limit": 10,
                    "full": True,
                }
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Discipline by Salesperson",
                    "model": "crm_plus.report.staff",
                    "rows": ["user_id"],
                    "measures": [
                        ("discount", "avg"),
                        ("discount_limit", "avg"),
                        ("approval_requested", "sum"),
                        ("approval_refused", "sum"),
                        ("step_on_time", "avg"),
                        ("collections", "sum"),
                        ("collections_target", "sum"),
                        ("followups", "sum"),
                    ],
                    "domain": [["source", "in", ["quote", "approval", "step", "collection", "followup", "target"]]],
                    "sort": None,
                    "limit": 10,
                    "full": True,
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Revenue by Month and Salesperson",
                    "model": "crm_plus.report.staff",
                    "groupby": ["date:month", "user_id"],
                    "measure": "revenue",
                    "domain": [["source", "=", "order"]],
                    "axis": "Revenue",
                    "stacked": True,
                    "full": True,
                }
            ],
        ],
    },
    {
        "xmlid": "crm_plus_dashboard_products",
        "file": "crm_plus_products_dashboard.json",
        "period": "this_year",
        "filters": ["period", "product_category", "team", "user", "company"],
        "rows": [
            [
                {
                    "kind": "kpis",
                    "items": [
                        ("Revenue", "crm_plus.report.product", "revenue", "sum", [["state", "=", "sale"]], NUMBER, 1),
                        ("Margin", "crm_plus.report.product", "margin", "sum", [["state", "=", "sale"]], NUMBER, 1),
                        (
                            "Average Discount",
                            "crm_plus.report.product",
                            "discount",
                            "avg",
                            [["state", "=", "sale"]],
                            PERCENT,
                            100,
                        ),
                        (
                            "Rounds to Win",
                            "crm_plus.report.product",
                            "round_number",
                            "avg",
                            [["state", "=", "sale"]],
                            DECIMAL,
                            1,
                        ),
                    ],
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Revenue by Product Category",
                    "model": "crm_plus.report.product",
                    "groupby": ["categ_id"],
                    "measure": "revenue",
                    "domain": [["state", "=", "sale"]],
                    "axis": "Revenue",
                },
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Margin by Product",
                    "model": "crm_plus.report.product",
                    "groupby": ["product_id"],
                    "measure": "margin",
                    "domain": [["state", "=", "sale"]],
                    "axis": "Margin",
                    "order": "DESC",
                },
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Products",
                    "model": "crm_plus.report.product",
                    "rows": ["product_id"],
                    "measures": [
                        ("qty", "sum"),
                        ("revenue", "sum"),
                        ("margin", "sum"),
                        ("discount", "avg"),
                        ("discount_amount", "sum"),
                        ("round_number", "avg"),
                    ],
                    "domain": [["state", "=", "sale"]],
                    "sort": ("revenue", "desc"),
                    "limit": 15,
                    "full": True,
                }
            ],
            [
                {
                    "kind": "pivot",
                    "title": "Product Categories",
                    "model": "crm_plus.report.product",
                    "rows": ["categ_id"],
                    "measures": [("revenue", "sum"), ("margin", "sum"), ("discount", "avg"), ("round_number", "avg")],
                    "domain": [["state", "=", "sale"]],
                    "sort": ("revenue", "desc"),
                    "limit": 10,
                    "full": True,
                }
            ],
            [
                {
                    "kind": "chart",
                    "type": "bar",
                    "title": "Quoted Discount by Round",
                    "model": "crm_plus.report.product",
                    "groupby": ["round_number"],
                    "measure": "discount",
                    "domain": [["state", "!=", "cancel"]],
                    "axis": "Average Line Discount (%)",
                },
                {
                    "kind": "chart",
                    "type": "pie",
                    "title": "Margin by Product Category",
                    "model": "crm_plus.report.product",
                    "groupby": ["categ_id"],
                    "measure": "margin",
                    "domain": [["state", "=", "sale"]],
                },
            ],
        ],
    },
]


# ---------------------------------------------------------------------------------------------------- helpers
def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


def col_name(index):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


class Builder:
    def __init__(self, spec):
        self.spec = spec
        self.name = spec["xmlid"]
        self.cells = {}
        self.data_cells = {}
        self.styles = {}
        self.data_formats = {}
        self.borders = {}
        self.figures = []
        self.pivots = {}
        self.lists = {}
        self.menus = {}
        self.formats = {}
        self.row = 0
        self.width = len(COL_WIDTHS)
        self.data_row = 1
        self.filter_ids = {key: uid(self.name, "filter", key) for key in spec["filters"]}

    # -- data sources
    def matching(self, model, exclude=None):
        exclude = exclude or {}
        config = MODELS[model]
        result = {}
        for key, filter_id in self.filter_ids.items():
            if exclude.get(key) is False:
                continue
            if key == "period":
                if config.get("period"):
                    chain, ftype = config["period"]
                    result[filter_id] = {"chain": chain, "type": ftype, "offset": 0}
            else:
                chain = config.get(key, DEFAULT_MATCH.get(key))
                if chain:
                    result[filter_id] = {"chain": chain, "type": "many2one"}
        return result

    def add_pivot(self, name, model, rows, columns, measures, domain, sort=None, exclude=None, context=None):
        pivot_id = str(len(self.pivots) + 1)
        self.pivots[pivot_id] = {
            "type": "ODOO",
            "fieldMatching": self.matching(model, exclude),
            "context": read_context(model, context),
            "domain": domain,
            "id": pivot_id,
            "measures": [{"id": f"{field}:{agg}", "fieldName": field, "aggregator": agg} for field, agg in measures],
            "model": model,
            "name": name,
            "sortedColumn": (
                {"measure": f"{sort[0]}:{dict(measures)[sort[0]]}", "order": sort[1], "domain": []} if sort else None
            ),
            "formulaId": pivot_id,
            "columns": [self.dimension(c) for c in columns],
            "rows": [self.dimension(r) for r in rows],
        }
        return pivot_id

    @staticmethod
    def dimension(spec):
        field, _, granularity = spec.partition(":")
        return {"fieldName": field, **({"granularity": granularity} if granularity else {})}

    def view_link(self, title, model, view_type, domain, context):
        action = {
            "domain": domain,
            "context": context,
            "modelName": model,
            "views": [[False, "pivot"], [False, "graph"], [False, "list"], [False, "form"], [False, "search"]],
        }
        payload = {"viewType": view_type, "action": action, "threshold": 0, "name": title}
        return f"[{title}](odoo://view/{json.dumps(payload, separators=(',', ':'))})"

    # -- blocks
    def title_cell(self, col, title, link):
        ref = f"{col_name(col)}{self.row + 1}"
        self.cells[ref] = link
        self.styles[ref] = "title"
        last = col_name(col + 3 if col + 3 < len(COL_WIDTHS) else len(COL_WIDTHS) - 1)
        self.borders[f"{ref}:{last}{self.row + 1}"] = "title"

    def kpis(self, block):
        items = block["items"]
        width = (FULL_WIDTH - 10 * (len(items) - 1)) // len(items)
        # one pivot (one read) for the figures of a model under the same domain and filters, a measure each
        shared = {}
        for index, item in enumerate(items):
            label, model, field, agg, domain, fmt, divisor = item[:7]
            exclude = item[7] if len(item) > 7 else None
            key = json.dumps([model, domain, exclude], sort_keys=True)
            if key in shared:
                pivot_id = shared[key]
                pivot = self.pivots[pivot_id]
                pivot["name"] += f", {label}"
                if f"{field}:{agg}" not in {m["id"] for m in pivot["measures"]}:
                    pivot["measures"].append({"id": f"{field}:{agg}", "fieldName": field, "aggregator": agg})
            else:
                pivot_id = shared[key] = self.add_pivot(
                    f"KPI {label}", model, [], [], [(field, agg)], domain, exclude=exclude
                )
            row = self.data_row + 1
            self.data_cells[f"A{row}"] = f'=_t("{label}")'
            value = f'PIVOT.VALUE({pivot_id},"{field}:{agg}")'
            self.data_cells[f"B{row}"] = f"=IFERROR({value}/{divisor},0)" if divisor != 1 else f"=IFERROR({value},0)"
            self.data_formats[f"B{row}"] = fmt
            self.data_row += 1
            chart_id = uid(self.name, "kpi", label)
            self.figures.append(
                {
                    "id": chart_id,
                    "width": width,
                    "height": 100,
                    "tag": "chart",
                    "data": {
                        "type": "scorecard",
                        "title": {"text": label, "bold": True, "color": "#434343"},
                        "background": "#EFF6FF",
                        "keyValue": f"Data!B{row}",
                        "baselineMode": "text",
                        "baselineColorDown": "#DC6965",
                        "baselineColorUp": "#00A04A",
                        "humanize": False,
                        "chartId": chart_id,
                    },
                    "offset": {"x": index * (width + 10), "y": 10},
                    "col": 0,
                    "row": self.row,
                }
            )
            self.menus[chart_id] = MODELS[model]["menu"]
        self.row += 6

    def chart(self, block, col, rows):
        model, title = block["model"], block["title"]
        chart_id = uid(self.name, "chart", title)
        measure = block["measure"]
        groupby = block["groupby"]
        mode = block["type"]
        context = {
            "group_by": groupby,
            "graph_measure": measure,
            "graph_mode": mode,
            "graph_groupbys": groupby,
        }
        self.title_cell(col, title, self.view_link(title, model, "graph", block["domain"], context))
        data = {
            "title": {"text": ""},
            "background": "#FFFFFF",
            "legendPosition": "top" if mode == "pie" or len(groupby) > 1 else "none",
            "metaData": {
                "groupBy": groupby,
                "measure": measure,
                "order": block.get("order"),
                "resModel": model,
                "mode": mode,
            },
            "searchParams": {
                "comparison": None,
                "context": read_context(model, {"group_by": []}),
                "domain": block["domain"],
                "groupBy": groupby,
                "orderBy": [],
            },
            "type": f"odoo_{mode}",
            "dataSets": [],
            "actionXmlId": MODELS[model]["action"],
            "chartId": chart_id,
            "fieldMatching": self.matching(model, block.get("match")),
        }
        if mode != "pie":
            data.update({"verticalAxisPosition": "left", "stacked": bool(block.get("stacked"))})
            if block.get("axis"):
                data["axesDesign"] = {"y": {"title": {"text": block["axis"]}}}
        if mode == "line":
            data.update({"cumulatedStart": False, "fillArea": True})
            data["metaData"]["cumulatedStart"] = False
        width = FULL_WIDTH if block.get("full") else HALF_WIDTH
        self.figures.append(
            {
                "id": chart_id,
                "width": width,
                "height": rows * ROW_HEIGHT - 8,
                "tag": "chart",
                "data": data,
                "offset": {"x": 0, "y": 4},
                "col": col,
                "row": self.row + 1,
            }
        )

    def pivot(self, block, col, rows):
        model, title = block["model"], block["title"]
        columns = block.get("columns", [])
        context = None
        if block.get("top"):
            # only the rows shown, cut on the server (the model reads this key: report/crm_plus_report_common.py)
            field, order = block["sort"]
            assert order == "desc" and len(block["rows"]) == 1 and not columns, title
            measure = f"{field}:{dict(block['measures'])[field]}"
            context = {TOP_GROUPS: {"groupby": block["rows"][0], "measure": measure, "limit": block["limit"]}}
        pivot_id = self.add_pivot(
            title, model, block["rows"], columns, block["measures"], block["domain"], block.get("sort"), context=context
        )
        context = {
            "group_by": block["rows"],
            "pivot_measures": [field for field, _agg in block["measures"]],
            "pivot_column_groupby": columns,
            "pivot_row_groupby": block["rows"],
        }
        self.title_cell(col, title, self.view_link(title, model, "pivot", block["domain"], context))
        # headers written here, translated: the pivot's own header row would show its (untranslated) name
        header = self.row + 2
        self.cells[f"{col_name(col)}{header}"] = f'=_t("{ROW_LABELS[block["rows"][0]]}")'
        for index, (field, agg) in enumerate(block["measures"], start=1):
            self.cells[f"{col_name(col + index)}{header}"] = f'=PIVOT.HEADER({pivot_id},"measure","{field}:{agg}")'
        self.styles[f"{col_name(col)}{header}:{col_name(col + len(block['measures']))}{header}"] = "header"
        self.cells[f"{col_name(col)}{header + 1}"] = f"=PIVOT({pivot_id},{block['limit']},FALSE,FALSE)"
        self.width = max(self.width, col + 1 + len(block["measures"]))

    def list_(self, block, col, rows):
        model, title = block["model"], block["title"]
        list_id = str(len(self.lists) + 1)
        # the fields the model's record rules read, fetched with the rows (a formula on the Data sheet asks for
        # them): else the ORM's access check fetches them afterwards, the report's query run a second time
        for field in block.get("rule_fields", []):
            self.data_row += 1
            self.data_cells[f"A{self.data_row}"] = f'=ODOO.LIST({list_id},1,"{field}")'
        self.lists[list_id] = {
            "columns": block["columns"] + block.get("rule_fields", []),
            "domain": block["domain"],
            "model": model,
            "context": read_context(model),
            "orderBy": [{"name": name, "asc": asc} for name, asc in block["order"]],
            "id": list_id,
            "name": title,
            "fieldMatching": self.matching(model),
        }
        self.title_cell(col, title, self.view_link(title, model, "list", block["domain"], {"group_by": []}))
        for index, field in enumerate(block["columns"]):
            letter = col_name(col + index)
            self.width = max(self.width, col + index + 1)
            self.cells[f"{letter}{self.row + 2}"] = f'=ODOO.LIST.HEADER({list_id},"{field}")'
            self.styles[f"{letter}{self.row + 2}"] = "header"
            for line in range(1, block["limit"] + 1):
                self.cells[f"{letter}{self.row + 2 + line}"] = f'=ODOO.LIST({list_id},{line},"{field}")'

    def add_row(self, blocks):
        if blocks[0]["kind"] == "kpis":
            self.kpis(blocks[0])
            return
        height = max(self.block_rows(block) for block in blocks)
        for block in blocks:
            if block["kind"] == "pivot" and len(blocks) > 1:
                assert len(block["measures"]) <= 3, f"{block['title']}: a half-width pivot has 3 measures at most"
            if block["kind"] == "list" and len(blocks) > 1:
                assert len(block["columns"]) <= 4, f"{block['title']}: a half-width list has 4 columns at most"
        for index, block in enumerate(blocks):
            col = 0 if index == 0 else 4
            {"chart": self.chart, "pivot": self.pivot, "list": self.list_}[block["kind"]](block, col, height)
        self.row += height + 2

    @staticmethod
    def block_rows(block):
        if block["kind"] == "chart":
            return 14
        return block["limit"] + 2

    # -- output
    def col_widths(self):
        return COL_WIDTHS + [110] * (self.width - len(COL_WIDTHS))

    def sheet_styles(self, mapping, table):
        ids = {name: str(index) for index, name in enumerate(table, start=1)}
        return {ref: int(ids[name]) for ref, name in mapping.items()}

    def build(self):
        for blocks in self.spec["rows"]:
            self.add_row(blocks)
        formats = {fmt: str(index) for index, fmt in enumerate(sorted(set(self.data_formats.values())), start=1)}
        dashboard_id, data_id = uid(self.name, "sheet", "dashboard"), uid(self.name, "sheet", "data")
        filters = []
        for key, filter_id in self.filter_ids.items():
            definition = {"id": filter_id, **FILTERS[key]}
            if key == "period" and self.spec["period"]:
                definition["defaultValue"] = self.spec["period"]
            filters.append(definition)
        return {
            "version": VERSION,
            "sheets": [
                {
                    "id": dashboard_id,
                    "name": "Dashboard",
                    "colNumber": self.width,
                    "rowNumber": max(self.row + 2, 60),
                    "rows": {},
                    "cols": {str(i): {"size": w} for i, w in enumerate(self.col_widths())},
                    "merges": [],
                    "cells": self.cells,
                    "styles": self.sheet_styles(self.styles, STYLES),
                    "formats": {},
                    "borders": self.sheet_styles(self.borders, BORDERS),
                    "conditionalFormats": [],
                    "dataValidationRules": [],
                    "figures": self.figures,
                    "tables": [],
                    "areGridLinesVisible": False,
                    "isVisible": True,
                    "headerGroups": {"ROW": [], "COL": []},
                    "comments": {},
                },
                {
                    "id": data_id,
                    "name": "Data",
                    "colNumber": 4,
                    "rowNumber": max(self.data_row + 2, 20),
                    "rows": {},
                    "cols": {"0": {"size": 220}, "1": {"size": 140}},
                    "merges": [],
                    "cells": {"A1": '=_t("Figure")', "B1": '=_t("Value")', **self.data_cells},
                    "styles": {"A1:B1": list(STYLES).index("bold") + 1},
                    "formats": {ref: int(formats[fmt]) for ref, fmt in self.data_formats.items()},
                    "borders": {},
                    "conditionalFormats": [],
                    "dataValidationRules": [],
                    "figures": [],
                    "tables": [],
                    "areGridLinesVisible": True,
                    "isVisible": True,
                    "headerGroups": {"ROW": [], "COL": []},
                    "comments": {},
                },
            ],
            "styles": {str(index): style for index, style in enumerate(STYLES.values(), start=1)},
            "formats": {index: fmt for fmt, index in formats.items()},
            "borders": {str(index): border for index, border in enumerate(BORDERS.values(), start=1)},
            "revisionId": "START_REVISION",
            "uniqueFigureIds": True,
            "settings": {
                "locale": {
                    "name": "English (US)",
                    "code": "en_US",
                    "thousandsSeparator": ",",
                    "decimalSeparator": ".",
                    "dateFormat": "mm/dd/yyyy",
                    "timeFormat": "hh:mm:ss",
                    "formulaArgSeparator": ",",
                    "weekStart": 7,
                }
            },
            "pivots": self.pivots,
            "pivotNextId": len(self.pivots) + 1,
            "customTableStyles": {},
            "globalFilters": filters,
            "lists": self.lists,
            "listNextId": len(self.lists) + 1,
            "chartOdooMenusReferences": self.menus,
        }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for spec in DASHBOARDS:
        data = Builder(spec).build()
        (OUT / spec["file"]).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {(OUT / spec['file']).relative_to(REPO)}")


if __name__ == "__main__":
    main()
