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
        "data/crm_plus_attribute_data.xml",
        "views/res_partner_views.xml",
        "views/crm_plus_customer_category_views.xml",
        "views/crm_plus_attribute_views.xml",
        "views/res_partner_attribute_views.xml",
        "wizard/crm_plus_attribute_delete_views.xml",
        "views/crm_plus_menus.xml",
    ],
    "demo": [],
    "uninstall_hook": "uninstall_hook",
}
