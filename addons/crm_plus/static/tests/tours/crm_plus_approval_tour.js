import { registry } from "@web/core/registry";

/**
 * An approver opens CRM > Quotations & Orders > Orders to Approve, opens the waiting order
 * and approves it. Data: tests/test_ui.py (TestUi.test_03_approval_tour).
 */
registry.category("web_tour.tours").add("crm_plus_approval_tour", {
    steps: () => [
        {
            content: "The order waits in my approval list",
            trigger:
                ".o_list_view .o_data_row:has(.o_data_cell[name=partner_id]:contains(Tour Approval Customer)) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "The reasons are shown",
            trigger: ".o_form_view .o_field_widget[name=approval_reason_display]:contains(4,200.00)",
        },
        {
            content: "Approve",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_form_view .o_statusbar_status button[data-value=sale].o_arrow_button_current",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_approve]))",
        },
    ],
});
