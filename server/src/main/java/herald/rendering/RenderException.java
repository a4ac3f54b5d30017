package herald.rendering;

/** The event cannot be rendered for this subscription; the message says why (recorded on the delivery). */
public final class RenderException extends Exception {
    public RenderException(String message) {
        super(message);
    }
}
