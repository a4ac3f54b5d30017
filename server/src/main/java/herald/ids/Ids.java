package herald.ids;

import java.security.SecureRandom;

/**
 * Time-ordered identifiers (ULID layout: 48-bit millisecond time, 80 random bits, Crockford base32)
 * with a type prefix such as {@code svc_}. Sorting ids sorts by creation time, which keyset
 * pagination relies on.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static final byte[] lastRandom = new byte[10];

    private Ids() {}

    /** What an id may be: Herald's own, and those a restored backup brings (kept as they are). */
    public static final java.util.regex.Pattern ANY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,100}");

    public static String newId(String prefix) {
        byte[] random = new byte[10];
        long now = System.currentTimeMillis();
        synchronized (Ids.class) {
            if (now <= lastMillis) { // same millisecond: increment so ids stay strictly ordered
                now = lastMillis;
                increment(lastRandom);
            } else {
                lastMillis = now;
                RANDOM.nextBytes(lastRandom);
            }
            System.arraycopy(lastRandom, 0, random, 0, 10);
        }
        char[] out = new char[26];
        long time = now;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits -> 16 chars
        long hi = ((random[0] & 0xFFL) << 32) | ((random[1] & 0xFFL) << 24) | ((random[2] & 0xFFL) << 16)
                | ((random[3] & 0xFFL) << 8) | (random[4] & 0xFFL);
        long lo = ((random[5] & 0xFFL) << 32) | ((random[6] & 0xFFL) << 24) | ((random[7] & 0xFFL) << 16)
                | ((random[8] & 0xFFL) << 8) | (random[9] & 0xFFL);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    private static void increment(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (++b[i] != 0) return;
        }
    }
}
