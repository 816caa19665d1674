import { registry } from "@web/core/registry";

/**
 * Hand-off to the next participant, in two tours. Data and checks: tests/test_ui.py (TestUi.test_07_handoff_tour).
 *
 * crm_plus_handoff_tour: a salesperson opens his opportunity (/odoo/crm/<id>) on a customer he owns, hands it off to
 * a colleague with a note; the opportunity is the colleague's now, he still reads it (his customer) and sees the chain.
 */
registry.category("web_tour.tours").add("crm_plus_handoff_tour", {
    steps: () => [
        {
            content: "Hand the opportunity off",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Hand Off)",
            run: "click",
        },
        {
            content: "To a colleague",
            trigger: ".modal .o_field_widget[name=user_id] input",
            run: "edit Tour Colleague",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item:contains(Tour Colleague)",
            run: "click",
        },
        {
            content: "With a note",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Demo done, they want a quote by Friday",
        },
        {
            trigger: ".modal .modal-footer button[name=action_apply]",
            run: "click",
        },
        {
            content: "Handed off: back on the opportunity",
            trigger: "body:not(:has(.o_dialog)) .o_form_view",
        },
        {
            content: "The chain shows on the record",
            trigger: ".o_form_view .o_notebook a[name=crm_plus_handoffs]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=crm_plus_handoff_ids] .o_data_row:has(.o_data_cell[name=to_user_id]:contains(Tour Colleague)) .o_data_cell[name=note]:contains(quote by Friday)",
        },
    ],
});

/**
 * crm_plus_handoff_colleague_tour: the colleague finds the To-Do on his desktop (activity menu), opens the
 * opportunity, reads the note and the chain of hand-offs.
 */
registry.category("web_tour.tours").add("crm_plus_handoff_colleague_tour", {
    steps: () => [
        {
            content: "A To-Do is waiting",
            trigger: ".o_menu_systray button:has(.o-mail-ActivityMenu-counter)",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMenu .o-mail-ActivityGroup[data-model_name='crm.lead']",
            run: "click",
        },
        {
            content: "Open the opportunity handed off",
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]:contains(Tour Handoff Deal)",
            run: "click",
        },
        {
            content: "The To-Do with the note is in the chatter",
            trigger: ".o-mail-Activity:contains(Handed off by Tour Salesman)",
        },
        {
            content: "The chain shows on the record",
            trigger: ".o_form_view .o_notebook a[name=crm_plus_handoffs]",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=crm_plus_handoff_ids] .o_data_row:has(.o_data_cell[name=from_user_id]:contains(Tour Salesman)):has(.o_data_cell[name=to_user_id]:contains(Tour Colleague)) .o_data_cell[name=note]:contains(quote by Friday)",
        },
    ],
});
