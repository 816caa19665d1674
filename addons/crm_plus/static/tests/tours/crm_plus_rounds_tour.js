import { registry } from "@web/core/registry";

/**
 * A salesperson makes quotation round 1, creates round 2 with another quantity,
 * compares both rounds and submits round 2 (held back for approval by the amount rule).
 * Starts on Sales > Quotations. Data: tests/test_ui.py (TestUi.test_02_rounds_tour).
 */
registry.category("web_tour.tours").add("crm_plus_rounds_tour", {
    steps: () => [
        {
            content: "New quotation",
            trigger: ".o_list_view .o_list_button_add, .o_kanban_view .o-kanban-button-new",
            run: "click",
        },
        {
            content: "Customer",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: "edit Tour Customer Ltd",
        },
        {
            trigger: ".o_field_widget[name=partner_id] .ui-autocomplete a:contains(Tour Customer Ltd)",
            run: "click",
        },
        {
            content: "Add a product line",
            trigger: ".o_field_widget[name=order_line] .o_field_x2many_list_row_add a:first",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=order_line] .o_selected_row .o_field_widget[name=product_template_id] input",
            run: "edit Tour Widget",
        },
        {
            trigger: ".o_field_widget[name=product_template_id] .ui-autocomplete a:contains(Tour Widget)",
            run: "click",
        },
        {
            content: "The price comes from the product",
            trigger: ".o_selected_row .o_field_widget[name=price_unit] input:value(1,500.00)",
        },
        {
            content: "Save round 1",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Make a new round",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_new_round]",
            run: "click",
        },
        {
            content: "Round 2 is open: the rounds can be compared",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_compare_rounds]",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=previous_round_id]",
        },
        {
            content: "Change the quantity of round 2",
            trigger: ".o_field_widget[name=order_line] .o_data_row .o_data_cell[name=product_uom_qty]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=order_line] .o_selected_row .o_field_widget[name=product_uom_qty] input",
            run: "edit 2",
        },
        {
            content: "Save round 2",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Compare the rounds",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_compare_rounds]",
            run: "click",
        },
        {
            content: "The comparison shows the line and the totals of both rounds",
            trigger: ".modal .o_field_widget[name=line_ids] .o_data_row .o_data_cell[name=qty_delta]:contains(1)",
        },
        {
            trigger: ".modal .o_field_widget[name=amount_delta]:contains(1,500.00)",
        },
        {
            content: "Close the comparison",
            trigger: ".modal .modal-footer button[special=cancel]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Submit: confirm",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order waits for approval",
            trigger: ".o_form_view .o_field_widget[name=approval_state]",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=approval_reason_display]:contains(1,000.00)",
        },
    ],
});
