package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.audit.Actor;
import herald.audit.AuditLog;
import herald.delivery.DeliverySwitch;
import herald.delivery.Dispatcher;
import herald.json.Json;
import herald.json.JsonFields;
import herald.store.Database;
import herald.problem.FieldErrors;

/** Herald-wide settings kept in the database: the global delivery switch. */
public final class SettingsUseCases {
    private final DeliverySwitch deliverySwitch;
    private final Dispatcher dispatcher;
    private final Database db;
    private final AuditLog audit;

    public SettingsUseCases(Database db, DeliverySwitch deliverySwitch, Dispatcher dispatcher, AuditLog audit) {
        this.db = db;
        this.audit = audit;
        this.deliverySwitch = deliverySwitch;
        this.dispatcher = dispatcher;
    }

    public boolean deliveriesEnabled() {
        return deliverySwitch.deliveriesEnabled();
    }

    /** {@code body}: {@code {"deliveries_enabled": bool}}. Off: nothing is claimed on any node, deliveries wait. */
    public boolean update(Actor actor, JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("deliveries_enabled");
        if (!f.has("deliveries_enabled")) errors.add("deliveries_enabled", "is required");
        boolean on = f.bool("deliveries_enabled", true);
        errors.throwIfAny();
        db.inTransaction(c -> {
            boolean was = DeliverySwitch.deliveriesEnabled(c);
            DeliverySwitch.set(c, on);
            audit.record(c, actor, "settings.updated", new AuditLog.Target("settings", "deliveries_enabled", "deliveries"),
                    Json.object().put("deliveries_enabled", was), Json.object().put("deliveries_enabled", on));
            return null;
        });
        if (on) dispatcher.wake();
        return on;
    }
}
