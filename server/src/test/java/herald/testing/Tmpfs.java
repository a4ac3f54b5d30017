package herald.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a fresh directory, to fill a disk for real: writes past its size fail with
 * ENOSPC as on a full disk, and {@link #resize} gives the space back without unmounting. Mounting
 * needs root (or sudo without a password), as the broker-restart tests do.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    public static Tmpfs mount(int mebibytes) {
        try {
            Path dir = Files.createTempDirectory("herald-tmpfs");
            run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0755", "herald-test", dir.toString());
            return new Tmpfs(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Changes its size in place; files on it stay. */
    public void resize(int mebibytes) {
        run("mount", "-o", "remount,size=" + mebibytes + "m", dir.toString());
    }

    @Override
    public void close() {
        run("umount", "-l", dir.toString());
        dir.toFile().delete();
    }

    private static void run(String... command) {
        List<String> line = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) line.addAll(List.of("sudo", "-n"));
        line.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed (needs root or sudo): " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", line) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
