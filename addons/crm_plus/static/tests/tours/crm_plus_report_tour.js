import { registry } from "@web/core/registry";

/**
 * A sales manager opens the customer value over a chosen period (CRM > Reporting > CRM Plus >
 * Customer Value for a Period), then breaks the quotation rounds down by a custom customer
 * attribute (group-by generated from the attribute definitions) in the pivot view.
 * Data: tests/test_ui.py (TestUi.test_06_report_tour).
 */
function openMenu(sectionXmlid, menuXmlid) {
    return [
        {
            trigger: `.o_main_navbar .o_menu_sections [data-menu-xmlid='${sectionXmlid}']`,
            run: "click",
        },
        {
            trigger: `.o-dropdown--menu [data-menu-xmlid='${menuXmlid}']`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("crm_plus_report_tour", {
    steps: () => [
        ...openMenu("crm.crm_menu_report", "crm_plus.crm_plus_report_customer_value_period_menu"),
        {
            content: "The period starts a year ago by default: go further back",
            trigger: ".modal .o_field_widget[name=date_from] input",
            run: "edit 01/01/2000 && click .modal-title",
        },
        {
            content: "Open the analysis over the period",
            trigger: ".modal .modal-footer button[name=action_open]",
            run: "click",
        },
        {
            content: "The period is in the title",
            trigger: ".o_control_panel .o_breadcrumb:contains(Customer Value):contains(2000)",
        },
        {
            content: "The customer whose order is older than a year is ranked",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Tour Old Customer)",
        },
        ...openMenu("crm.crm_menu_report", "crm_plus.crm_plus_report_rounds_menu"),
        {
            trigger: ".o_pivot",
        },
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Group by the customer attribute",
            trigger: ".o_group_by_menu .o-dropdown-item:contains(Tour Tier)",
            run: "click",
        },
        {
            content: "One row per attribute value",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Gold)",
        },
        {
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Silver)",
        },
    ],
});
