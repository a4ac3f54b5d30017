package herald.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}),
 * with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): about 40 ms here, which bounds
 * guessing while keeping sign-in quick. Stored parameters are read back, so they can be raised
 * later without breaking existing hashes.
 *
 * <p>A password Herald generated (a one-time password, 115 random bits) cannot be guessed, so
 * slowing guesses buys nothing: {@link #hashGenerated} stores its SHA-256 ({@code $sha256$hex}), as
 * sessions and API keys are stored. Making one costs microseconds where a cold Argon2 hash was a
 * sixth of a first start. Checking one still runs an Argon2 derivation, so a sign-in's time does not
 * tell whether its user still has a one-time password.
 */
public final class PasswordHasher {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    /** Hashes made by this process: each is costly on purpose, so tests check none is made in vain. */
    private static final AtomicLong HASHES_MADE = new AtomicLong();

    private PasswordHasher() {}

    public static String hash(String password) {
        HASHES_MADE.incrementAndGet();
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /** For a password Herald generated with at least 112 random bits; never for one a person chose. */
    public static String hashGenerated(String password) {
        HASHES_MADE.incrementAndGet();
        return "$sha256$" + ApiKeys.hash(password);
    }

    public static long hashesMade() {
        return HASHES_MADE.get();
    }

    public static boolean verify(String password, String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$");
        if (parts.length == 3 && parts[1].equals("sha256")) {
            boolean same = MessageDigest.isEqual(parts[2].getBytes(StandardCharsets.US_ASCII),
                    ApiKeys.hash(password).getBytes(StandardCharsets.US_ASCII));
            derive(password, new byte[16], MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES); // as long as an Argon2 check
            return same;
        }
        if (parts.length != 6 || !parts[1].equals("argon2id")) return false;
        int m = 0, t = 0, p = 0;
        for (String kv : parts[3].split(",")) {
            int v = Integer.parseInt(kv.substring(2));
            switch (kv.charAt(0)) {
                case 'm' -> m = v;
                case 't' -> t = v;
                case 'p' -> p = v;
                default -> { return false; }
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        return MessageDigest.isEqual(expected, derive(password, salt, m, t, p, expected.length));
    }

    private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        var params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).build();
        var gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
