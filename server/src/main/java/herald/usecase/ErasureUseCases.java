package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.json.Json;
import herald.json.JsonFields;
import herald.privacy.Erasure;
import herald.problem.FieldErrors;

/**
 * A learner's right to erasure: {@code {"user_id"}} erases them from what Herald keeps and leaves
 * an audit record of what was done without who it was done for (the id is personal data too).
 */
public final class ErasureUseCases {
    private final Erasure erasure;
    private final AuditLog audit;

    public ErasureUseCases(Erasure erasure, AuditLog audit) {
        this.erasure = erasure;
        this.audit = audit;
    }

    public Erasure.Erased erase(Actor actor, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("user_id", "source");
        String source = f.string("source", false, 255, null);
        if (source != null && source.isBlank()) source = null;
        JsonNode raw = body == null ? null : body.get("user_id");
        String userId = raw != null && (raw.isIntegralNumber() || raw.isTextual()) ? raw.asText().strip() : null;
        if (userId == null || userId.isEmpty() || userId.length() > 255) {
            errors.add("user_id", "is required: the learner's id in the LMS (a number or text of at most 255 characters)");
        }
        errors.throwIfAny();
        Erasure.Erased done;
        try {
            done = erasure.erase(userId, source);
        } catch (IllegalStateException busy) { // committed, but the files could not be cleaned yet: say so, and to retry
            throw herald.problem.Problem.unavailable(busy.getMessage());
        }
        ObjectNode after = view(done);
        if (source != null) after.put("source", source);
        audit.record(actor, "learner.erased", new AuditLog.Target("learner", "-", null), null, after);
        return done;
    }

    public static ObjectNode view(Erasure.Erased e) {
        return Json.object().put("events", e.events()).put("deliveries", e.deliveries()).put("dead_letters", e.deadLetters())
                .put("attempts", e.attempts()).put("webfilter_calls", e.webfilterCalls()).put("inspector_requests", e.inspectorRequests())
                .put("gateway_requests", e.gatewayRequests()).put("openedx_failed_messages", e.openedxFailedMessages())
                .put("openedx_unreadable_payloads", e.openedxUnreadablePayloads());
    }
}
