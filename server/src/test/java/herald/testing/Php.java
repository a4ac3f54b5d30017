package herald.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * PHP's built-in web server ({@code php -S}) on loopback, running a router script the test gives:
 * a real PHP receiver, parsing form bodies as PHP applications see them. Needs Debian's
 * {@code php-cli} (.ci/run installs it); without it the test fails, it is not skipped.
 */
public final class Php implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private Php(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts {@code php -S} with {@code router} (PHP source) as its router script. */
    public static Php serve(String router) {
        try {
            Path dir = Files.createTempDirectory("herald-php");
            Files.writeString(dir.resolve("router.php"), router);
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process p;
            try {
                p = new ProcessBuilder(List.of("php", "-d", "max_input_vars=100000", "-d", "display_errors=stderr",
                        "-S", "127.0.0.1:" + port, dir.resolve("router.php").toString()))
                        .directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("server.log").toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("php is needed for this test and was not found: install Debian's php-cli"
                        + " (apt-get install php-cli; .ci/run does it). " + e.getMessage(), e);
            }
            Php php = new Php(p, port, dir);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                if (!p.isAlive()) throw new IllegalStateException("php -S exited: " + Files.readString(dir.resolve("server.log")));
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            return php;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The directory the router runs in, where it may write files for the test to read. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
