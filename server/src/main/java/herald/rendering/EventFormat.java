package herald.rendering;

/** {@code event}: the stored event document as it is. */
final class EventFormat implements Format {
    static final String NAME = "event";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Payload render(Input in) {
        return Payload.json(in.event().body());
    }
}
