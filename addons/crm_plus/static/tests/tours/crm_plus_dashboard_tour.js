import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

/**
 * A sales manager opens CRM > Reporting > CRM Plus > Dashboard, then downloads the
 * receivables aging Excel file. Data: tests/test_ui.py (TestUi.test_05_dashboard_export_tour).
 */

/**
 * The export answers with an act_url (target self) to /web/content/<id>?download=true, which the
 * web client follows with browser.location.assign(): Chrome fires beforeunload (a tour error) and
 * then saves the file where the tour cannot see it. For the next navigation only, fetch the URL
 * instead and write the answer on <body> so that the tour can check the download itself.
 */
function catchNextDownload() {
    const descriptor = Object.getOwnPropertyDescriptor(browser, "location");
    const location = window.location;
    // a proxy of a plain object (the Location's own properties are not configurable)
    const fake = new Proxy({}, {
        get(_target, prop) {
            if (prop === "assign") {
                return async (url) => {
                    Object.defineProperty(browser, "location", descriptor);
                    const response = await fetch(url);
                    const disposition = response.headers.get("Content-Disposition") || "";
                    const type = response.headers.get("Content-Type") || "";
                    document.body.dataset.crmPlusDownload = `${response.status} ${type} ${disposition}`;
                };
            }
            const value = location[prop];
            return typeof value === "function" ? value.bind(location) : value;
        },
    });
    Object.defineProperty(browser, "location", { configurable: true, get: () => fake });
}

registry.category("web_tour.tours").add("crm_plus_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard shows the key figures",
            trigger: ".o_form_view .o_field_widget[name=revenue_12m]",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=overdue_step_count]",
        },
        {
            content: "Open the Excel exports",
            trigger: ".o_form_view .o_form_sheet button.btn-primary[type=action]",
            run: "click",
        },
        {
            content: "Receivables aging is the default export",
            trigger: ".modal .o_field_widget[name=export_type] input[data-value=aging]:checked",
        },
        {
            content: "Download the file",
            trigger: ".modal .modal-footer button[name=action_export]",
            async run(actions) {
                catchNextDownload();
                await actions.click();
            },
        },
        {
            content: "The browser received an Excel attachment",
            trigger: "body[data-crm-plus-download^='200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'][data-crm-plus-download*='attachment'][data-crm-plus-download*='.xlsx']",
        },
    ],
});
