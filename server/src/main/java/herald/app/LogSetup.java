package herald.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import herald.config.HeraldConfig;
import java.util.List;

/**
 * Logging for every Herald process, found by logback through {@code META-INF/services}. In code
 * rather than a logback.xml: reading the XML (its parser and model classes) took about a tenth of
 * a start. {@code herald.log.format} (plain or json, set from HERALD_LOG_FORMAT before the first
 * logger is made) picks the format. An operator's own logback file, named with
 * {@code -Dlogback.configurationFile}, replaces all of it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    private static final String OPERATORS_FILE = "logback.configurationFile";
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "org.flywaydb", "com.zaxxer.hikari", "io.javalin");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        // An operator's own file (-Dlogback.configurationFile in HERALD_JAVA_OPTS) wins: logback reads it next.
        if (System.getProperty(OPERATORS_FILE) != null) return ExecutionStatus.NEUTRAL;
        context.getStatusManager().add(new NopStatusListener());
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder("json".equals(System.getProperty(HeraldConfig.LOG_FORMAT_PROPERTY)) ? json(context) : plain(context));
        console.start();
        // Lines are written by one background thread, so a delivery's sender never waits for
        // standard output (a synchronous write per attempt was a tenth of the send path's CPU).
        // Nothing is dropped: a full queue makes the caller wait. The CLI stops the context after
        // a graceful stop, which flushes it.
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("async");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.addAppender(console);
        async.start();
        for (String name : QUIET) context.getLogger(name).setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> plain(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{20} %msg%n");
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }
}
