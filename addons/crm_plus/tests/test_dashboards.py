"""The CRM Plus dashboards (Dashboards app): every pivot, chart, list, link, filter, formula and menu of their
spreadsheets names a model, field, measure, action or menu that exists, and every read they make works, as each
role, with every global filter set. A renamed field or a broken report query fails here, not in a manager's
browser.
"""

import base64
import json
import re

from odoo.fields import Domain
from odoo.tests import tagged

from ..models.crm_plus_report_snapshot import SNAPSHOT
from ..models.crm_plus_report_snapshot import snapshot_models
from .reporting_common import CrmPlusReportingCommon

DASHBOARDS = [
    "crm_plus.crm_plus_dashboard_sales",
    "crm_plus.crm_plus_dashboard_receivables",
    "crm_plus.crm_plus_dashboard_execution",
    "crm_plus.crm_plus_dashboard_customers",
    "crm_plus.crm_plus_dashboard_team",
    "crm_plus.crm_plus_dashboard_products",
]
AGGREGATORS = {"sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or", "array_agg"}
DATE_GRANULARITIES = {"day", "week", "month", "quarter", "year"}
DEFAULT_PERIODS = {
    "today",
    "yesterday",
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "month_to_date",
    "last_month",
    "this_month",
    "this_quarter",
    "year_to_date",
    "last_12_months",
    "this_year",
}
# models the dashboards read besides the report models (crm_plus.report.*): records that carry their own figure
FIGURE_MODELS = {"crm_plus.dunning.promise"}
LINK = re.compile(r"^\[([^\[]+)\]\((.+)\)$")
FORMULA_REFS = {
    "pivot": re.compile(r"\bPIVOT(?:\.VALUE|\.HEADER)?\((\d+)"),
    "pivot_measure": re.compile(r'\bPIVOT\.(?:VALUE\((\d+),\s*"([^"]+)"|HEADER\((\d+),\s*"measure",\s*"([^"]+)")'),
    "list": re.compile(r'\bODOO\.LIST(?:\.HEADER)?\((\d+)(?:,\s*\d+)?,\s*"([^"]+)"'),
}


@tagged("post_install", "-at_install")
class TestDashboards(CrmPlusReportingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboards = {xmlid: cls.env.ref(xmlid) for xmlid in DASHBOARDS}
        cls.team = cls.env["crm.team"].create({"name": "Dashboard Team", "user_id": cls.salesman.id})
        cls.product_category = cls.env["product.category"].create({"name": "Dashboard Machines"})

    def _data(self, dashboard):
        return json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))

    # ------------------------------------------------------------------ structure
    def _field(self, model, path):
        """The last field of a dotted path from model (AssertionError naming the missing one)."""
        Model = self.env[model]
        field = None
        for name in path.split("."):
            self.assertIn(name, Model._fields, f"{Model._name} has no field {name!r} (path {path!r} from {model})")
            field = Model._fields[name]
            if field.relational:
                Model = self.env[field.comodel_name]
        return field

    def _check_groupby(self, model, spec, where):
        name, _sep, granularity = spec.partition(":")
        field = self._field(model, name)
        self.assertTrue(field._description_groupable(self.env), f"{where}: {model}.{name} cannot be grouped by")
        if granularity:
            self.assertIn(field.type, ("date", "datetime"), f"{where}: {model}.{name} has no {granularity}")
            self.assertIn(granularity, DATE_GRANULARITIES, where)

    def _check_measure(self, model, name, aggregator, where):
        if name == "__count":
            return
        field = self._field(model, name)
        self.assertIn(aggregator, AGGREGATORS, where)
        if aggregator not in ("count", "count_distinct"):
            self.assertTrue(field._description_aggregator(self.env), f"{where}: {model}.{name} is no measure")

    def _check_domain(self, model, domain, where):
        self.assertIsInstance(domain, list, where)
        Domain(domain).validate(self.env[model])

    def _check_matching(self, data, model, matching, where):
        filters = {f["id"]: f for f in data["globalFilters"]}
        for filter_id, match in matching.items():
            self.assertIn(filter_id, filters, f"{where}: matches an unknown filter")
            global_filter = filters[filter_id]
            field = self._field(model, match["chain"])
            if global_filter["type"] == "date":
                self.assertIn(field.type, ("date", "datetime"), where)
                self.assertEqual(match["type"], field.type, f"{where}: {match['chain']} is a {field.type}")
            else:
                self.assertEqual(global_filter["type"], "relation", where)
                self.assertEqual(
                    field.comodel_name,
                    global_filter["modelName"],
                    f"{where}: filter {global_filter['label']!r} on {model}.{match['chain']}",
                )
                self.assertEqual(match["type"], field.type, where)

    def _check_action(self, xmlid, model, where):
        action = self.env.ref(xmlid, raise_if_not_found=False)
        self.assertTrue(action, f"{where}: no action {xmlid}")
        self.assertEqual((action._name, action.res_model), ("ir.actions.act_window", model), where)
        self.assertIn("list", action.view_mode, f"{where}: {xmlid} cannot list the records of a click")

    def test_dashboards_are_in_the_crm_plus_group(self):
        group = self.env.ref("crm_plus.crm_plus_dashboard_group")
        for xmlid, dashboard in self.dashboards.items():
            self.assertEqual(dashboard.dashboard_group_id, group, xmlid)
            self.assertTrue(dashboard.is_published, xmlid)
            self.assertIn(self.env.ref("sales_team.group_sale_salesman"), dashboard.group_ids, xmlid)
        action = self.env.ref("crm_plus.crm_plus_dashboards_action")
        self.assertEqual(action.tag, "action_spreadsheet_dashboard")
        self.assertEqual(action.params["dashboard_id"], self.dashboards[DASHBOARDS[0]].id)
        self.assertEqual(self.env.ref("crm_plus.crm_plus_dashboard_menu").action, action)
        # the form dashboard is gone
        self.assertNotIn("crm_plus.dashboard", self.env)

    def test_every_read_of_a_report_with_a_snapshot_reads_it(self):
        """tools/gen_dashboards.py lists the reports that keep a snapshot by hand: a report gaining or losing one
        must be read accordingly by every pivot, list and chart (else it reads live, or a snapshot it has not)."""
        with_snapshot = {report._name for report in snapshot_models(self.env)}
        for xmlid, dashboard in self.dashboards.items():
            data = self._data(dashboard)
            reads = [(f"pivot {k}", p["model"], p.get("context") or {}) for k, p in data["pivots"].items()]
            reads += [(f"list {k}", li["model"], li.get("context") or {}) for k, li in data["lists"].items()]
            reads += [
                (f"chart {figure['id']}", figure["data"]["metaData"]["resModel"], figure["data"]["searchParams"])
                for sheet in data["sheets"]
                for figure in sheet["figures"]
                if figure["data"]["type"].startswith("odoo_")
            ]
            for where, model, context in reads:
                if where.startswith("chart"):
                    context = context.get("context") or {}
                self.assertEqual(bool(context.get(SNAPSHOT)), model in with_snapshot, f"{xmlid} {where} ({model})")

    def test_every_reference_exists(self):
        for xmlid, dashboard in self.dashboards.items():
            data = self._data(dashboard)
            counts = {"pivots": 0, "charts": 0, "lists": 0, "links": 0}
            filters = data["globalFilters"]
            self.assertEqual(
                {f["label"] for f in filters} >= {"Period", "Sales Team", "Salesperson", "Company"}, True, xmlid
            )
            for global_filter in filters:
                if global_filter["type"] == "relation":
                    self.assertIn(global_filter["modelName"], self.env, xmlid)
                elif global_filter.get("defaultValue"):
                    self.assertIn(global_filter["defaultValue"], DEFAULT_PERIODS, xmlid)
            for pivot_id, pivot in data["pivots"].items():
                where = f"{xmlid} pivot {pivot_id} ({pivot['name']})"
                model = pivot["model"]
                self.assertTrue(
                    model.startswith("crm_plus.report.") or model in FIGURE_MODELS, f"{where}: reads a report model"
                )
                for dimension in pivot["rows"] + pivot["columns"]:
                    spec = dimension["fieldName"]
                    if dimension.get("granularity"):
                        spec += ":" + dimension["granularity"]
                    self._check_groupby(model, spec, where)
                measure_ids = set()
                for measure in pivot["measures"]:
                    self._check_measure(model, measure["fieldName"], measure["aggregator"], where)
                    self.assertEqual(measure["id"], f"{measure['fieldName']}:{measure['aggregator']}", where)
                    measure_ids.add(measure["id"])
                if pivot.get("sortedColumn"):
                    self.assertIn(pivot["sortedColumn"]["measure"], measure_ids, where)
                self._check_domain(model, pivot["domain"], where)
                self._check_matching(data, model, pivot["fieldMatching"], where)
                counts["pivots"] += 1
            for list_id, list_ in data["lists"].items():
                where = f"{xmlid} list {list_id} ({list_['name']})"
                model = list_["model"]
                for column in list_["columns"]:
                    self._field(model, column)
                for order in list_["orderBy"]:
                    self.assertTrue(self._field(model, order["name"]).store or True, where)
                self._check_domain(model, list_["domain"], where)
                self._check_matching(data, model, list_["fieldMatching"], where)
                counts["lists"] += 1
            for sheet in data["sheets"]:
                for figure in sheet["figures"]:
                    chart = figure["data"]
                    where = f"{xmlid} chart {figure['id']}"
                    if chart["type"] == "scorecard":
                        sheet_name, cell = chart["keyValue"].split("!")
                        target = next(s for s in data["sheets"] if s["name"] == sheet_name)
                        self.assertIn(cell, target["cells"], f"{where}: empty key value {chart['keyValue']}")
                        menu = data["chartOdooMenusReferences"].get(figure["id"])
                        self.assertTrue(menu and self.env.ref(menu).action, f"{where}: opens no menu")
                        continue
                    self.assertTrue(chart["type"].startswith("odoo_"), where)
                    meta = chart["metaData"]
                    model = meta["resModel"]
                    self.assertTrue(model.startswith("crm_plus.report."), f"{where}: reads a report model")
                    for spec in meta["groupBy"]:
                        self._check_groupby(model, spec, where)
                    self.assertEqual(meta["groupBy"], chart["searchParams"]["groupBy"], where)
                    self._check_measure(model, meta["measure"], "sum", where)
                    self._check_domain(model, chart["searchParams"]["domain"], where)
                    self._check_matching(data, model, chart["fieldMatching"], where)
                    self._check_action(chart["actionXmlId"], model, where)
                    counts["charts"] += 1
                for ref, content in sheet["cells"].items():
                    where = f"{xmlid} {sheet['name']}!{ref}"
                    link = LINK.match(content)
                    if link:
                        view = json.loads(link.group(2)[len("odoo://view/") :])
                        action = view["action"]
                        self._check_domain(action["modelName"], action["domain"], where)
                        for spec in action["context"].get("group_by", []):
                            self._check_groupby(action["modelName"], spec, where)
                        for name in action["context"].get("pivot_measures", []):
                            self._field(action["modelName"], name) if name != "__count" else None
                        counts["links"] += 1
                        continue
                    for match in FORMULA_REFS["pivot"].finditer(content):
                        self.assertIn(match.group(1), data["pivots"], f"{where}: {content}")
                    for match in FORMULA_REFS["pivot_measure"].finditer(content):
                        pivot_id, measure = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
                        measures = {m["id"] for m in data["pivots"][pivot_id]["measures"]}
                        self.assertIn(measure, measures, f"{where}: {content}")
                    for match in FORMULA_REFS["list"].finditer(content):
                        self.assertIn(match.group(2), data["lists"][match.group(1)]["columns"], f"{where}: {content}")
            for menu in data["chartOdooMenusReferences"].values():
                self.assertTrue(self.env.ref(menu, raise_if_not_found=False), f"{xmlid}: no menu {menu}")
            self.assertTrue(counts["pivots"] and counts["charts"] and counts["links"], f"{xmlid}: {counts}")

    # ------------------------------------------------------------------ reads
    def _filter_domains(self, data, matching):
        """Domains of every global filter set to a value (a year, a team, a user, a company)."""
        filters = {f["id"]: f for f in data["globalFilters"]}
        values = {
            "crm.team": self.team.id,
            "res.users": self.salesman.id,
            "res.company": self.company.id,
            "product.category": self.product_category.id,
        }
        domain = Domain.TRUE
        for filter_id, match in matching.items():
            global_filter = filters[filter_id]
            if global_filter["type"] == "date":
                domain &= Domain(match["chain"], ">=", f"{self.today.year}-01-01")
                domain &= Domain(match["chain"], "<=", f"{self.today.year}-12-31")
            else:
                domain &= Domain(match["chain"], "in", [values[global_filter["modelName"]]])
        return domain

    def _read_everything(self, user):
        reads = 0
        for dashboard in self.dashboards.values():
            data = self._data(dashboard)
            sources = [
                (
                    p["model"],
                    p["domain"],
                    p["fieldMatching"],
                    [r["fieldName"] for r in p["rows"] + p["columns"]],
                    [m["id"] for m in p["measures"] if m["fieldName"] != "__count"],
                )
                for p in data["pivots"].values()
            ]
            for sheet in data["sheets"]:
                for figure in sheet["figures"]:
                    chart = figure["data"]
                    if chart["type"].startswith("odoo_"):
                        meta = chart["metaData"]
                        measure = meta["measure"]
                        aggregator = measure != "__count" and self.env[meta["resModel"]]._fields[measure].aggregator
                        measures = [f"{measure}:{aggregator}"] if aggregator else []
                        sources.append(
                            (
                                meta["resModel"],
                                chart["searchParams"]["domain"],
                                chart["fieldMatching"],
                                meta["groupBy"],
                                measures,
                            )
                        )
            for model, domain, matching, groupby, measures in sources:
                Model = self.env[model].with_user(user)
                for extra in (Domain.TRUE, self._filter_domains(data, matching)):
                    Model.formatted_read_group(Domain(domain) & extra, groupby, [*measures, "__count"])
                    reads += 1
            for list_ in data["lists"].values():
                Model = self.env[list_["model"]].with_user(user)
                order = ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in list_["orderBy"])
                domain = Domain(list_["domain"]) & self._filter_domains(data, list_["fieldMatching"])
                Model.search_read(domain, list_["columns"], order=order, limit=10)
                reads += 1
        return reads

    def test_every_read_works_for_each_role(self):
        for user in (self.salesman, self.team_leader, self.sales_manager, self.finance):
            with self.subTest(user=user.login):
                self.assertGreater(self._read_everything(user), 60)

    def test_a_salesperson_sees_their_own_figures(self):
        Aging = self.env["crm_plus.report.aging"]
        domain = [("days_overdue", ">", 0)]
        [(mine,)] = Aging.with_user(self.salesman)._read_group(domain, [], ["amount_residual:sum"])
        [(other,)] = Aging.with_user(self.other_salesman)._read_group(domain, [], ["amount_residual:sum"])
        self.assertEqual((mine, other), (1400, 100))

    def test_promises_kept_on_the_receivables_dashboard(self):
        data = self._data(self.dashboards["crm_plus.crm_plus_dashboard_receivables"])
        [pivot] = [p for p in data["pivots"].values() if p["model"] == "crm_plus.dunning.promise"]
        self.aging_customer.user_id = self.salesman
        self.other_aging_customer.user_id = self.other_salesman
        Promise = self.env["crm_plus.dunning.promise"]
        vals = {"kind": "promise", "date_promised": self.today, "amount": 100}
        mine = Promise.create([dict(vals, partner_id=self.aging_customer.id) for _i in range(4)])
        other = Promise.create(dict(vals, partner_id=self.other_aging_customer.id))
        mine[:3]._close("kept", 100.0)
        (mine[3] | other)._close("broken", 0.0)
        Promise.create(dict(vals, partner_id=self.aging_customer.id))  # still open: not counted
        measures = [m["id"] for m in pivot["measures"]]
        for user, rate in ((self.salesman, 75), (self.other_salesman, 0), (self.sales_manager, 60)):
            with self.subTest(user=user.login):
                [(figure,)] = Promise.with_user(user)._read_group(pivot["domain"], [], measures)
                self.assertAlmostEqual(figure, rate)

    def _sell_to_customers(self):
        for index, qty in enumerate((5, 3, 3, 1)):  # two customers tie
            customer = self.env["res.partner"].create({"name": f"Top Customer {index}"})
            self._draft_order(customer, self.salesman, qty=qty, days_ago=index).action_confirm()

    def test_top_customers_pivot_reads_only_its_rows(self):
        """The Top Customers pivot shows 10 customers: the server sends those, with the same figures and total."""
        data = self._data(self.dashboards["crm_plus.crm_plus_dashboard_customers"])
        [pivot] = [p for p in data["pivots"].values() if p["name"] == "Top Customers"]
        top = pivot["context"]["crm_plus_top_groups"]
        self.assertEqual(top, {"groupby": "partner_id", "measure": "revenue:sum", "limit": 10})
        self._sell_to_customers()
        Report = self.env["crm_plus.report.customer.value"].with_user(self.sales_manager)
        sets, measures = [[], ["partner_id"]], ["revenue:sum", "order_count:sum"]
        total, groups = Report.formatted_read_grouping_sets([], sets, measures)
        self.assertGreaterEqual(len(groups), 4)
        by_revenue = sorted(groups, key=lambda group: group["revenue:sum"], reverse=True)
        for limit in (1, len(groups) - 1, len(groups) + 5):
            cut_total, cut = Report.with_context(
                crm_plus_top_groups=dict(top, limit=limit)
            ).formatted_read_grouping_sets([], sets, measures)
            self.assertEqual(cut_total, total)
            self.assertEqual(len(cut), min(limit, len(groups)))
            # the largest revenues, each with the figures of the full read (ties in any order)
            self.assertEqual([g["revenue:sum"] for g in cut], [g["revenue:sum"] for g in by_revenue][:limit])
            for group in cut:
                self.assertIn(group, groups)
        # anything else changes nothing: another field, a measure not read, no positive limit
        for spec in (dict(top, groupby="user_id"), dict(top, measure="margin:sum"), dict(top, limit=0), "10"):
            self.assertEqual(
                Report.with_context(crm_plus_top_groups=spec).formatted_read_grouping_sets([], sets, measures)[1],
                groups,
            )

    def test_every_top_pivot_is_cut_by_its_model(self):
        """Each pivot asking for its first groups reads a model that honours the ask (else it reads them all)."""
        tops = [
            pivot
            for dashboard in self.dashboards.values()
            for pivot in self._data(dashboard)["pivots"].values()
            if "crm_plus_top_groups" in pivot["context"]
        ]
        self.assertEqual({p["name"] for p in tops}, {"Top Customers", "Customers Most Overdue"})
        self._sell_to_customers()
        for pivot in tops:
            Model = self.env[pivot["model"]].with_user(self.sales_manager)
            sets = [[], [pivot["rows"][0]["fieldName"]]]
            measures = [m["id"] for m in pivot["measures"]]
            full = Model.formatted_read_grouping_sets(pivot["domain"], sets, measures)[1]
            self.assertGreater(len(full), 1, pivot["name"])
            top = dict(pivot["context"]["crm_plus_top_groups"], limit=1)
            cut = Model.with_context(crm_plus_top_groups=top).formatted_read_grouping_sets(
                pivot["domain"], sets, measures
            )[1]
            self.assertEqual(len(cut), 1, pivot["name"])
