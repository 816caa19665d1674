# Copyright 2026 crm_plus contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Plus",
    "summary": "Custom customer attributes, multi-round quotations, order approval, "
    "execution plans, dunning and analytics for Odoo CRM",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-plus/crm_plus",
    "author": "crm_plus contributors",
    "maintainers": ["crm-plus"],
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "crm",
        "sale_crm",
        "sale_management",
        "sale_margin",
        "sale_stock",
        "account",
        "hr",
        "mail",
    ],
    "data": [
        "security/crm_plus_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_plus_plan_security.xml",
        "data/crm_plus_plan_action_type_data.xml",
        "views/res_partner_views.xml",
        "views/crm_plus_plan_action_type_views.xml",
        "views/crm_plus_plan_template_views.xml",
        "views/crm_plus_plan_step_views.xml",
        "views/crm_plus_plan_views.xml",
        "views/sale_order_plan_views.xml",
        "views/res_partner_plan_views.xml",
        "wizard/crm_plus_plan_step_done_views.xml",
        "views/crm_plus_menus.xml",
    ],
    "demo": [
        "demo/crm_plus_plan_template_demo.xml",
    ],
}
