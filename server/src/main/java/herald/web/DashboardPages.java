package herald.web;

import herald.usecase.DashboardUseCases;
import java.util.Map;

/** The dashboard: deliveries by outcome over time, services' success and latency, the queue, breakers, sources. */
final class DashboardPages {
    private final DashboardUseCases dashboard;

    DashboardPages(DashboardUseCases dashboard) {
        this.dashboard = dashboard;
    }

    void register(Pages p) {
        p.get("/admin", Need.VIEWER, ctx -> {
            var d = dashboard.get(DashboardUseCases.Range.of(ctx.queryParam("range")));
            p.page(ctx, "dashboard.jte", "Dashboard", "dashboard", Map.of("d", d, "chart", Charts.outcomes(d.series())));
        });
        // the panel alone, which the page asks for again every 10 s
        p.get("/admin/dashboard/panel", Need.VIEWER, ctx -> {
            var d = dashboard.get(DashboardUseCases.Range.of(ctx.queryParam("range")));
            p.render(ctx, "dashboardPanel.jte", Map.of("d", d, "chart", Charts.outcomes(d.series())));
        });
    }
}
