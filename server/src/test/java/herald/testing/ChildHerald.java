package herald.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code herald start} in a child JVM, as an operator runs it, so a test can kill it with SIGKILL
 * ({@link #kill()}) and start another on the same storage. Output goes to {@code log}.
 */
public final class ChildHerald implements AutoCloseable {
    private final Process process;
    private final int port;

    private ChildHerald(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it with {@code env} (HERALD_HTTP_PORT is set to {@code port}) and waits until /health answers. */
    public static ChildHerald start(Map<String, String> env, int port, Path log) {
        return start(env, port, log, List.of());
    }

    /** The same with JVM options (a heap of the launcher's kind, say). */
    public static ChildHerald start(Map<String, String> env, int port, Path log, List<String> jvmOptions) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "herald.app.Main", "start"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HERALD_"));
        pb.environment().putAll(env);
        pb.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            ChildHerald child = new ChildHerald(pb.start(), port);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!child.process.isAlive()) throw new IllegalStateException("herald exited; see " + log);
                        return child.healthy();
                    });
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start herald", e);
        }
    }

    private boolean healthy() {
        try {
            var r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Api api(String key) {
        return new Api(port, key);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy(); // SIGTERM: graceful stop
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
