package herald.bench;

import java.io.IOException;

/**
 * The start-up benchmark's reference: a trivial main on the same JVM and options as the server.
 * Prints one line as soon as it runs, then idles until its standard input ends.
 */
public final class StartupReference {
    private StartupReference() {}

    public static void main(String[] args) throws IOException {
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // idle until the benchmark closes the pipe
        }
    }
}
