package herald.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Writes to the local Redis (127.0.0.1:6379) exactly what Open edX's event-bus-redis producer writes:
 * {@code XADD <prefix>-<topic> MAXLEN ~ 10000 * type … id … source … time … minorversion … sourcehost …
 * sourcelib … event_data <schemaless Avro>}. The Avro is encoded here by hand (zig-zag varints,
 * length-prefixed strings, union branch indexes), independently of the decoder under test. Each
 * instance uses its own topic prefix and deletes its streams when closed.
 */
public final class EventBus implements AutoCloseable {
    public static final String URL = System.getenv().getOrDefault("HERALD_TEST_REDIS", "redis://127.0.0.1:6379/0");
    public static final String ENROLLMENT_CREATED = "org.openedx.learning.course.enrollment.created.v1";
    public static final String ENROLLMENT_CHANGED = "org.openedx.learning.course.enrollment.changed.v1";

    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    public final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);

    public EventBus() {
        this(URL);
    }

    /** On the Redis at {@code url} (e.g. one a test starts and restarts itself). */
    public EventBus(String url) {
        client = RedisClient.create(url);
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    }

    public String stream(String topic) {
        return prefix + "-" + topic;
    }

    /** An enrollment event of {@code type} (created and changed share a schema) for user {@code userId}. */
    public static byte[] enrollment(long userId, String username, String courseKey, String mode, boolean withStart) {
        Avro a = new Avro();
        // CourseEnrollmentData.user: UserData {id long, is_active boolean, pii {username, email, name}}
        a.lng(userId).bool(true).str(username).str(username + "@example.org").str("");
        // course: CourseData {course_key, display_name, start ["null","string"], end ["null","string"]}
        a.str(courseKey).str("Demonstration Course");
        if (withStart) a.lng(1).str("2026-01-05T00:00:00+00:00"); else a.lng(0);
        a.lng(0); // end: null
        a.str(mode).bool(true).str("2026-08-21T10:00:00.123456+00:00");
        a.lng(0); // created_by: null
        return a.bytes();
    }

    /** XADD as the producer does; returns the entry id. */
    public String add(String topic, String type, String messageId, byte[] eventData) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        fields.put("type", utf8(type));
        fields.put("id", utf8(messageId));
        fields.put("source", utf8("openedx/lms/web"));
        fields.put("time", utf8("2026-08-21T10:00:00.123456+00:00"));
        fields.put("minorversion", utf8("0"));
        fields.put("sourcehost", utf8("lms-7f9c"));
        fields.put("sourcelib", utf8("11.2.0"));
        fields.put("event_data", eventData);
        return connection.sync().xadd(stream(topic), XAddArgs.Builder.maxlen(10_000).approximateTrimming(), fields);
    }

    public StatefulRedisConnection<String, byte[]> connection() {
        return connection;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        var keys = connection.sync().keys(prefix + "-*");
        if (!keys.isEmpty()) connection.sync().del(keys.toArray(String[]::new));
        connection.close();
        client.shutdown();
    }

    /** The Avro binary encoding, by hand, for what these tests write. */
    static final class Avro {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Avro lng(long v) {
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                out.write((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            out.write((int) z);
            return this;
        }

        Avro bool(boolean b) {
            out.write(b ? 1 : 0);
            return this;
        }

        Avro str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            lng(b.length);
            out.writeBytes(b);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
