package herald.webfilter;

import com.fasterxml.jackson.databind.JsonNode;
import herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Open edX filters a webfilter can hook (openedx-filters 3.4.1, the 27 the openedx-webhooks
 * plugin registers): each by its filter type and its class name, with the exceptions its handler
 * checks in a response (in that order), the one it raises when a call fails and a "halt on" option
 * says so, and the parameters each exception takes. From {@code openedx/filter-types.json}.
 */
public final class FilterTypes {
    /** One filter: {@code transportException} null when the plugin's handler has none (the halt options then do nothing). */
    public record FilterType(String className, String filterType, List<String> arguments, List<String> checkedExceptions,
                             String transportException, Map<String, List<String>> exceptionParams) {}

    /** Names the plugin stored before its v22 migration, still accepted. */
    private static final Map<String, String> OLD_NAMES = Map.of(
            "StudentSettingsRenderStarted", "AccountSettingsRenderStarted", "XblockRenderStarted", "RenderXBlockStarted",
            "CourseHomepageUrlCreationStarted", "CourseHomeUrlCreationStarted", "HomeEnrollmentApiRendered", "CourseEnrollmentAPIRenderStarted",
            "HomeCourserunApiRenderedStarted", "CourseRunAPIRenderStarted", "OraSubmissionViewRenderStarted", "ORASubmissionViewRenderStarted",
            "IdvPageUrlRequested", "IDVPageURLRequested", "CourseAboutPageUrlRequested", "CourseAboutPageURLRequested",
            "ScheduleQuerysetRequested", "ScheduleQuerySetRequested", "AuthoringLmsPageUrlRequested", "LMSPageURLRequested");

    private final Map<String, FilterType> byType = new LinkedHashMap<>();
    private final Map<String, FilterType> byClass = new LinkedHashMap<>();

    public FilterTypes() {
        JsonNode doc;
        try (InputStream in = FilterTypes.class.getResourceAsStream("/openedx/filter-types.json")) {
            if (in == null) throw new IllegalStateException("missing resource openedx/filter-types.json");
            doc = Json.read(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (JsonNode f : doc.get("filters")) {
            if (f.path("filter_type").isNull() || f.path("filter_type").isMissingNode()) continue;
            Map<String, List<String>> params = new LinkedHashMap<>();
            for (JsonNode e : f.path("exceptions")) {
                List<String> p = new ArrayList<>();
                e.path("params").forEach(x -> p.add(x.asText()));
                params.put(e.path("name").asText(), p.isEmpty() ? List.of("message", "redirect_to", "status_code") : p);
            }
            List<String> checked = new ArrayList<>();
            f.path("plugin").path("response_exceptions_checked_in_order").forEach(x -> checked.add(x.asText()));
            List<String> args = new ArrayList<>();
            f.path("run_filter_args").forEach(x -> args.add(x.asText()));
            JsonNode transport = f.path("plugin").path("transport_exception");
            FilterType t = new FilterType(f.path("class").asText(), f.path("filter_type").asText(), List.copyOf(args), List.copyOf(checked),
                    transport.isTextual() && !transport.asText().isBlank() && !transport.asText().equals("-") ? transport.asText() : null,
                    params);
            byType.put(t.filterType(), t);
            byClass.put(t.className(), t);
        }
    }

    /** A filter by its type ({@code org.openedx.learning.student.login.requested.v1}), class name or old plugin name. */
    public Optional<FilterType> find(String name) {
        if (name == null) return Optional.empty();
        FilterType t = byType.get(name);
        if (t == null) t = byClass.get(OLD_NAMES.getOrDefault(name, name));
        return Optional.ofNullable(t);
    }

    public List<FilterType> all() {
        return List.copyOf(byType.values());
    }
}
