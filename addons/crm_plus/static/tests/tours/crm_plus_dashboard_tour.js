import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";

/**
 * A sales manager opens CRM > Reporting > CRM Plus > Dashboards: the Dashboards app, on the CRM Plus dashboards.
 * Each dashboard opens with its charts; a click on a chart's bar, on a chart's title and on a pivot value opens
 * the records behind it. Then the staff performance Excel export is downloaded.
 * Data: tests/test_ui.py (TestUi.test_05_dashboard_export_tour).
 */

const DASHBOARDS = [
    "Sales & Rounds",
    "Receivables & Dunning",
    "Execution",
    "Customers",
    "Team Performance",
    "Products",
];

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

function openDashboard(name, firstBlock) {
    return [
        {
            content: `Open the ${name} dashboard`,
            trigger: `.o_search_panel_category_value[data-name='${name}']`,
            run: "click",
        },
        {
            content: `${name} is open`,
            trigger: `.o_search_panel_category_value.active[data-name='${name}']`,
        },
        {
            content: `${name} shows its charts`,
            trigger: ".o-spreadsheet .o-figure canvas",
        },
        {
            content: `${name} shows its first block`,
            trigger: `.o-dashboard-clickable-cell[title='Go to ${firstBlock}']`,
        },
    ];
}

/**
 * Click the bar of ``label`` in the bar chart showing it, where Chart.js draws it (a chart is one canvas: its
 * bars have no element to click).
 */
async function clickBar(label) {
    const seen = [];
    let previous = null;
    for (let attempt = 0; attempt < 50; attempt++) {
        seen.length = 0;
        for (const canvas of document.querySelectorAll(".o-spreadsheet .o-figure canvas")) {
            const chart = window.Chart?.getChart(canvas);
            seen.push(`${chart?.config.type}: ${chart?.data.labels}`);
            const index = chart?.config.type === "bar" ? chart.data.labels.indexOf(label) : -1;
            if (index < 0) {
                continue;
            }
            const bar = chart.getDatasetMeta(0).data[index];
            const rect = canvas.getBoundingClientRect();
            // click only once the bar stands still: a click during Chart.js's animation can miss it (a machine
            // under load draws slowly)
            const where = `${rect.left},${rect.top},${bar.x},${bar.y},${bar.base}`;
            if (where !== previous) {
                previous = where;
                break;
            }
            const position = { clientX: rect.left + bar.x, clientY: rect.top + (bar.y + bar.base) / 2, bubbles: true };
            for (const type of ["mousemove", "mousedown", "mouseup", "click"]) {
                canvas.dispatchEvent(new MouseEvent(type, position));
            }
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`No bar chart shows ${label}: ${seen.join(" | ")} (Chart.js: ${Boolean(window.Chart)})`);
}

function backToDashboards() {
    return {
        content: "Back to the dashboards",
        trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first-child a",
        run: "click",
    };
}

registry.category("web_tour.tours").add("crm_plus_dashboard_tour", {
    steps: () => [
        {
            content: "Open CRM > Reporting",
            trigger: ".o_main_navbar .o_menu_sections [data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            content: "Open the dashboards",
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_plus.crm_plus_dashboard_menu']",
            run: "click",
        },
        {
            content: "The Dashboards app opens on the CRM Plus dashboards",
            trigger: ".o_search_panel_section header:contains(CRM Plus)",
        },
        {
            content: "The first one is open",
            trigger: `.o_search_panel_category_value.active[data-name='${DASHBOARDS[0]}']`,
        },
        ...openDashboard(DASHBOARDS[1], "Aging Buckets"),
        ...openDashboard(DASHBOARDS[2], "On-Time Rate by Month"),
        ...openDashboard(DASHBOARDS[4], "Revenue Target Achievement by Salesperson"),
        ...openDashboard(DASHBOARDS[5], "Revenue by Product Category"),
        ...openDashboard(DASHBOARDS[0], "Pipeline by Stage"),
        ...openDashboard(DASHBOARDS[3], "Revenue by ABC Class"),
        {
            content: "Click the bar of the customer category in its chart",
            trigger: ".o-spreadsheet .o-figure canvas",
            async run() {
                await clickBar("Tour Key Accounts");
            },
        },
        {
            content: "The customer value rows of that category open",
            trigger: ".o_list_view .o_data_row:contains(Tour Key Accounts)",
        },
        backToDashboards(),
        {
            content: "Open the records of a chart from its title",
            trigger: ".o-dashboard-clickable-cell[title='Go to Revenue by Customer Category']",
            run: "click",
        },
        {
            content: "The customer value analysis opens, grouped like the chart",
            trigger: ".o_graph_view",
        },
        {
            trigger: ".o_breadcrumb:contains(Revenue by Customer Category)",
        },
        backToDashboards(),
        {
            content: "Scroll down to the pivots (only cells on screen can be clicked)",
            trigger: ".o-dashboard-clickable-cell[title='Go to Revenue by Customer Category']",
            run() {
                const grid = document.querySelector(".o-spreadsheet .o-grid");
                grid.dispatchEvent(new WheelEvent("wheel", { deltaY: 700, bubbles: true }));
            },
        },
        {
            content: "Open the records behind a value of the top customers",
            trigger: ".o-dashboard-clickable-cell[title='See records']",
            run: "click",
        },
        {
            content: "The rows behind the value",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer Ltd)",
        },
        {
            content: "Open the Excel exports",
            trigger: ".o_main_navbar .o_menu_sections [data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu [data-menu-xmlid='crm_plus.crm_plus_xlsx_export_menu']",
            run: "click",
        },
        {
            content: "Choose the staff performance export",
            trigger: ".modal .o_field_widget[name=export_type] input[data-value=staff]",
            run: "click",
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
