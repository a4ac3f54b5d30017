package herald.outbound;

/** The resolved address is one Herald may not call (see {@link OutboundGuard}). */
final class OutboundRefusedException extends java.io.IOException {
    OutboundRefusedException(String message) {
        super(message);
    }
}
