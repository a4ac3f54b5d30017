package herald.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * What every benchmark that starts Herald child processes is told about them ({@code --work-dir},
 * {@code --jar}, {@code --server-java-opts}), and the {@code --name value} loop their options share.
 */
final class ChildOptions {
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    Path jar = Path.of("server/target/herald.jar");
    List<String> serverJavaOpts = List.of();

    /** Takes {@code name} if it is one of these options; false otherwise. */
    boolean take(String name, String value) {
        switch (name) {
            case "--work-dir" -> workDir = Path.of(value);
            case "--jar" -> jar = Path.of(value);
            case "--server-java-opts" -> serverJavaOpts = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
            default -> {
                return false;
            }
        }
        return true;
    }

    /** How the children's JVM is run, for the report's header. */
    String javaOpts(String none) {
        return serverJavaOpts.isEmpty() ? none : String.join(" ", serverJavaOpts);
    }

    /**
     * Walks {@code --name value} pairs: each goes to these options or else to {@code take}; help, a
     * missing value or a name neither takes calls {@code usage} (which exits).
     */
    void parse(String[] args, Runnable usage, BiPredicate<String, String> take) {
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("-h") || args[i].equals("--help") || i + 1 >= args.length) usage.run();
            if (!take(args[i], args[i + 1]) && !take.test(args[i], args[i + 1])) usage.run();
        }
    }
}
