package herald.rendering;

/** {@code event}: the stored event document as it is. */
final class EventFormat implements Format {
    @Override
    public String name() {
        return "event";
    }

    @Override
    public Payload render(Input in) {
        return Payload.json(in.event().body());
    }
}
