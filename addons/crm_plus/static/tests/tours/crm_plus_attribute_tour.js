import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * A consultant (CRM Plus administrator) defines a customer attribute, then fills it
 * on a customer; then defines an order attribute and fills it on a quotation.
 * Starts on CRM > Configuration > CRM Plus > Attributes.
 * Data: tests/test_ui.py (TestUi.test_01_attribute_tour).
 */
registry.category("web_tour.tours").add("crm_plus_attribute_tour", {
    steps: () => [
        {
            content: "Create a new attribute",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "Label",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Licence",
        },
        {
            content: "Code",
            trigger: ".o_form_view .o_field_widget[name=code] input",
            run: "edit tour_licence",
        },
        {
            content: "Section of the Attributes tab",
            trigger: ".o_form_view .o_field_widget[name=section] input",
            run: "edit Legal",
        },
        {
            content: "Save the definition",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The customer field is generated",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=field_name]:contains(x_attr_tour_licence)",
        },
        // a new page load: the web client reads the new field
        stepUtils.goToUrl("/odoo/action-crm_plus.res_partner_action_customer"),
        {
            content: "Find the customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Customer Ltd",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=complete_name]:contains(Tour Customer Ltd)",
            run: "click",
        },
        {
            content: "Open the Attributes tab",
            trigger: ".o_form_view .o_notebook a[name=crm_plus_attributes]",
            run: "click",
        },
        {
            content: "Fill the new attribute",
            trigger: ".o_form_view .o_field_widget[name=x_attr_tour_licence] input",
            run: "edit LIC-2026-42",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        // an attribute of quotations / orders, filled on a quotation
        stepUtils.goToUrl("/odoo/action-crm_plus.crm_plus_attribute_action"),
        {
            content: "Create an order attribute",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Project",
        },
        {
            content: "It applies to quotations / orders",
            trigger: ".o_form_view .o_field_widget[name=applies_to] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Quotations / Orders)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=code] input",
            run: "edit tour_project",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The order field is generated",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=field_name]:contains(x_attr_tour_project)",
        },
        stepUtils.goToUrl("/odoo/action-sale.action_quotations_with_onboarding"),
        {
            content: "Open the customer's quotation",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Tour Customer Ltd)",
            run: "click",
        },
        {
            content: "Open the Attributes tab of the quotation",
            trigger: ".o_form_view .o_notebook a[name=crm_plus_attributes]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=x_attr_tour_project] input",
            run: "edit PRJ-7",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Quotation saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
