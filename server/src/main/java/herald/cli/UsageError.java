package herald.cli;

/**
 * An operator's usage or input error (a file that cannot be read, a missing passphrase): one line on
 * stderr and exit 2, picocli's code for a bad option, so that scripts can tell it from a command's
 * own "no" (exit 1: does not verify, document rejected).
 */
final class UsageError extends RuntimeException {
    static final int EXIT = 2;

    UsageError(String message) {
        super(message, null, false, false); // no stack trace: the message is all the operator needs
    }

    int report() {
        System.err.println(getMessage());
        return EXIT;
    }
}
