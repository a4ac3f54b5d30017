package herald.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import herald.delivery.DeliverySwitch;
import herald.delivery.Dispatcher;
import herald.json.JsonFields;
import herald.problem.FieldErrors;

/** Herald-wide settings kept in the database: the global delivery switch. */
public final class SettingsUseCases {
    private final DeliverySwitch deliverySwitch;
    private final Dispatcher dispatcher;

    public SettingsUseCases(DeliverySwitch deliverySwitch, Dispatcher dispatcher) {
        this.deliverySwitch = deliverySwitch;
        this.dispatcher = dispatcher;
    }

    public boolean deliveriesEnabled() {
        return deliverySwitch.deliveriesEnabled();
    }

    /** {@code body}: {@code {"deliveries_enabled": bool}}. Off: nothing is claimed on any node, deliveries wait. */
    public boolean update(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        JsonFields f = JsonFields.of(body, "", errors);
        f.rejectUnknown("deliveries_enabled");
        if (!f.has("deliveries_enabled")) errors.add("deliveries_enabled", "is required");
        boolean on = f.bool("deliveries_enabled", true);
        errors.throwIfAny();
        deliverySwitch.setDeliveriesEnabled(on);
        if (on) dispatcher.wake();
        return on;
    }
}
