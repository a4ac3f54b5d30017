package herald.webfilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.json.JsonFields;
import herald.net.Urls;
import herald.problem.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;

/** A webfilter as the API reads and writes it, with the openedx-webhooks plugin's own field names. */
public final class WebfilterJson {
    public static final int DEFAULT_TIMEOUT_MS = 2_000;

    private WebfilterJson() {}

    public static Webfilter parse(JsonNode in, Webfilter existing, FilterTypes types) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(in, "", errors);
        f.rejectUnknown("id", "description", "filter_type", "url", "service_id", "path", "enabled", "order",
                "use_www_form_encoding", "disable_filtering", "disable_halt", "halt_on_4xx", "halt_on_5xx",
                "halt_on_request_exception", "redirect_on_4xx", "redirect_on_5xx", "redirect_on_request_exception", "timeout_ms",
                "created_at", "updated_at", "class_name");
        String description = f.string("description", false, 1000, "");
        String given = f.string("filter_type", true, 200, null);
        String filterType = null;
        if (given != null) {
            var t = types.find(given);
            if (t.isEmpty()) {
                errors.add("filter_type", "is not an Open edX filter Herald knows; give a type such as "
                        + "org.openedx.learning.student.login.requested.v1 or its class name, StudentLoginRequested");
            } else {
                filterType = t.get().filterType();
            }
        }
        String url = f.string("url", false, 2048, null);
        String serviceId = f.string("service_id", false, 100, null);
        if (url != null && url.isBlank()) url = null;
        if (serviceId != null && serviceId.isBlank()) serviceId = null;
        if ((url == null) == (serviceId == null)) errors.add("url", "give either url or service_id");
        if (url != null) checkUrl("url", url, errors);
        String path = f.string("path", false, Urls.MAX_PATH, "");
        String pathProblem = Urls.pathProblem(path);
        if (pathProblem != null) errors.add("path", pathProblem);
        if (url != null && !path.isEmpty()) errors.add("path", "goes with service_id (a URL names its whole address)");
        boolean enabled = f.bool("enabled", true);
        int order = f.integer("order", -1_000_000, 1_000_000, 0);
        String r4 = redirect(f, "redirect_on_4xx", errors);
        String r5 = redirect(f, "redirect_on_5xx", errors);
        String rx = redirect(f, "redirect_on_request_exception", errors);
        int timeout = f.integer("timeout_ms", 50, 30_000, DEFAULT_TIMEOUT_MS);
        Webfilter w = new Webfilter(existing == null ? null : existing.id(), description, filterType, url, serviceId, path, enabled,
                order, f.bool("use_www_form_encoding", false), f.bool("disable_filtering", false), f.bool("disable_halt", false),
                f.bool("halt_on_4xx", false), f.bool("halt_on_5xx", false), f.bool("halt_on_request_exception", false), r4, r5, rx,
                timeout, existing == null ? 0 : existing.createdAt(), existing == null ? 0 : existing.updatedAt());
        errors.throwIfAny();
        return w;
    }

    public static ObjectNode toJson(Webfilter w, FilterTypes types) {
        ObjectNode o = Json.object();
        o.put("id", w.id());
        o.put("description", w.description());
        o.put("filter_type", w.filterType());
        o.put("class_name", types.find(w.filterType()).map(FilterTypes.FilterType::className).orElse(null));
        o.put("url", w.url());
        o.put("service_id", w.serviceId());
        o.put("path", w.path());
        o.put("enabled", w.enabled());
        o.put("order", w.order());
        o.put("use_www_form_encoding", w.useWwwFormEncoding());
        o.put("disable_filtering", w.disableFiltering());
        o.put("disable_halt", w.disableHalt());
        o.put("halt_on_4xx", w.haltOn4xx());
        o.put("halt_on_5xx", w.haltOn5xx());
        o.put("halt_on_request_exception", w.haltOnRequestException());
        o.put("redirect_on_4xx", w.redirectOn4xx());
        o.put("redirect_on_5xx", w.redirectOn5xx());
        o.put("redirect_on_request_exception", w.redirectOnRequestException());
        o.put("timeout_ms", w.timeoutMs());
        if (w.createdAt() > 0) {
            o.put("created_at", Instant.ofEpochMilli(w.createdAt()).toString());
            o.put("updated_at", Instant.ofEpochMilli(w.updatedAt()).toString());
        }
        return o;
    }

    private static String redirect(JsonFields f, String field, FieldErrors errors) {
        String v = f.string(field, false, 2048, "");
        if (!v.isEmpty()) checkUrl(field, v, errors);
        return v;
    }

    private static void checkUrl(String field, String url, FieldErrors errors) {
        try {
            URI u = new URI(url);
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                errors.add(field, "must be an absolute http or https URL");
            } else if (u.getUserInfo() != null) {
                errors.add(field, "must not carry credentials; use a service with its auth instead");
            }
        } catch (URISyntaxException e) {
            errors.add(field, "is not a valid URL: " + e.getReason());
        }
    }
}
