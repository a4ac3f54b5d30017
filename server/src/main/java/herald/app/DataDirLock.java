package herald.app;

import herald.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One Herald server per SQLite database: a second one on the same file would claim, send and
 * retry the same deliveries as the first, and run the hourly jobs twice (several nodes share
 * PostgreSQL, not SQLite). The CLI's commands that work on the database alone take no lock: they
 * are meant to run beside a server. The lock is the operating system's, so a killed server leaves
 * none behind.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock beside the database file of {@code url}; null for another database or an in-memory one. */
    static DataDirLock take(String url) {
        if (!url.startsWith("jdbc:sqlite:")) return null;
        String path = url.substring("jdbc:sqlite:".length());
        int q = path.indexOf('?');
        if (q >= 0) path = path.substring(0, q);
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) return null;
        Path file = Path.of(path + ".lock").toAbsolutePath();
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException sameProcess) {
            // this process already runs a server on it
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new ConfigException(List.of("HERALD_DATA_DIR: cannot write in " + file.getParent() + ": " + why));
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // it locked nothing
        }
        throw new ConfigException(List.of("HERALD_DATA_DIR: another Herald server is using " + Path.of(path).toAbsolutePath()
                + "; stop it first, or give this one its own HERALD_DATA_DIR (several nodes share PostgreSQL, not SQLite)"));
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process's end lets go of it anyway
        }
    }
}
