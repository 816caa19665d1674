# Copyright 2026 crm_plus contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Plus - OA Bridge",
    "summary": "CRM approvals through office-automation approval routes, "
    "approved documents filed per customer and order",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Productivity",
    "website": "https://github.com/crm-plus/crm_plus",
    "author": "crm_plus contributors",
    "maintainers": ["crm-plus"],
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": ["crm_plus", "base_tier_validation", "dms"],
    "data": [
        "security/crm_plus_oa_bridge_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_plus_oa_security.xml",
        "data/crm_plus_oa_bridge_data.xml",
        "views/tier_review_views.xml",
        "views/crm_plus_oa_route_views.xml",
        "views/crm_plus_oa_approval_log_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/crm_plus_oa_plan_change_views.xml",
        "wizard/crm_plus_oa_delegate_views.xml",
        "wizard/sale_order_contract_attach_views.xml",
        "wizard/crm_plus_oa_plan_change_wizard_views.xml",
        "views/crm_plus_oa_bridge_menus.xml",
    ],
    "demo": ["demo/crm_plus_oa_route_demo.xml"],
}
