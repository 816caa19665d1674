import { registry } from "@web/core/registry";

/**
 * Finance follows an execution plan (CRM > Execution > Execution Plans), sees the overdue
 * payment step, then previews a dunning run (CRM > Execution > Run Dunning) without sending.
 * Data: tests/test_ui.py (TestUi.test_04_plan_dunning_tour).
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

registry.category("web_tour.tours").add("crm_plus_plan_dunning_tour", {
    steps: () => [
        ...openMenu("crm_plus.crm_plus_menu_execution", "crm_plus.crm_plus_plan_menu"),
        {
            content: "Open the plan of the late payer",
            trigger:
                ".o_list_view .o_data_row:has(.o_data_cell[name=partner_id]:contains(Tour Late Payer)) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The deposit step is overdue",
            trigger:
                ".o_form_view .o_field_widget[name=step_ids] .o_data_row.text-danger .o_data_cell[name=name]:contains(Tour deposit)",
        },
        {
            content: "The balance is not due yet",
            trigger:
                ".o_form_view .o_field_widget[name=step_ids] .o_data_row:not(.text-danger) .o_data_cell[name=name]:contains(Tour balance)",
        },
        ...openMenu("crm_plus.crm_plus_menu_execution", "crm_plus.crm_plus_dunning_run_wizard_menu"),
        {
            content: "Compute the preview",
            trigger: ".modal .modal-footer button[name=action_refresh]",
            run: "click",
        },
        {
            content: "The late payer is previewed at level 2 for the overdue amount",
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:has(.o_data_cell[name=partner_id]:contains(Tour Late Payer)) .o_data_cell[name=level_id]:contains(Tour L2)",
        },
        {
            trigger:
                ".modal .o_field_widget[name=line_ids] .o_data_row:has(.o_data_cell[name=partner_id]:contains(Tour Late Payer)) .o_data_cell[name=amount_residual]:contains(300.00)",
        },
        {
            content: "Leave without running",
            trigger: ".modal .modal-footer button[special=cancel]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
