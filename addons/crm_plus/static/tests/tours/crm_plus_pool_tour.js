import { registry } from "@web/core/registry";

/**
 * A salesperson claims a customer from the customer pool: it leaves the pool list and becomes his.
 * Starts on CRM > Customers > Customer Pool. Data: tests/test_customer_pool.py (TestCustomerPoolOverXmlRpc).
 */
registry.category("web_tour.tours").add("crm_plus_pool_tour", {
    steps: () => [
        {
            content: "Select a pool customer",
            trigger: ".o_list_view .o_data_row:contains(Pooled 0) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Claim it",
            trigger: ".o_control_panel button[name=action_claim]",
            run: "click",
        },
        {
            content: "It left the pool, the others stay",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Pooled 0))) .o_data_row:contains(Pooled 1)",
        },
    ],
});
