package herald.config;

import java.util.List;

/** Thrown at startup when the configuration is invalid; lists every problem at once. */
public final class ConfigException extends RuntimeException {
    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
}
