package herald.web;

import herald.openedx.EventBusSource;
import herald.openedx.OpenEdxSources;

/** An Open edX event bus source with its state per topic, as the sources page lists it. */
public record BusRow(EventBusSource source, OpenEdxSources.Status status) {}
