package herald.cli;

import herald.config.ConfigException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the commands take from the operator beside their options, the configuration and files: a
 * failure is a {@link UsageError} that says what is wrong, never a stack trace.
 */
final class CliInput {
    private CliInput() {}

    /** The configured database, for the commands that work without a server. */
    static HeraldCli.Offline open(HeraldCli.App app) {
        try {
            return app.open(HeraldCli.config());
        } catch (ConfigException e) { // as `start` does: the operator's environment, not a failure of the command
            throw new UsageError(e.getMessage());
        }
    }

    static byte[] read(Path file) {
        try {
            if (Files.isDirectory(file)) throw new UsageError("cannot read " + file + ": is a directory");
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageError("cannot read " + file + ": " + reason(e, "no such file"));
        }
    }

    static String readString(Path file) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(read(file))).toString();
        } catch (CharacterCodingException e) {
            throw new UsageError("cannot read " + file + ": " + reason(e, "no such file"));
        }
    }

    /** The first line of a small file (a secret): at most {@code max} bytes are read; none is a usage error. */
    static String firstLine(Path file, int max) {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            if (Files.isDirectory(file)) throw new UsageError("cannot read " + file + ": is a directory");
            head = in.readNBytes(max);
        } catch (IOException e) {
            throw new UsageError("cannot read " + file + ": " + reason(e, "no such file"));
        }
        String line = new String(head, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        if (line.isEmpty() || line.chars().anyMatch(c -> c < 0x20)) throw new UsageError(file + " holds no secret on its first line");
        return line;
    }

    static void writeString(Path file, String text) {
        try {
            if (Files.isDirectory(file)) throw new UsageError("cannot write " + file + ": is a directory");
            Files.writeString(file, text);
        } catch (IOException e) {
            // Writing, a missing file is created: NoSuchFileException means its directory is missing.
            throw new UsageError("cannot write " + file + ": " + reason(e, "no such directory"));
        }
    }

    private static String reason(IOException e, String missing) {
        if (e instanceof NoSuchFileException) return missing;
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof CharacterCodingException) return "not UTF-8 text";
        if (e instanceof FileSystemException fs && fs.getReason() != null) return fs.getReason().toLowerCase(Locale.ROOT);
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
