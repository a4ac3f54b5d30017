package herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The overlong check reads eight bytes at a time where it can: it finds what a byte-at-a-time reading finds, wherever it is. */
class OverlongUtf8Test {

    private static int byteAtATime(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            int x = b[i] & 0xff;
            if (x == 0xC0 || x == 0xC1) return i;
            if (x == 0xE0 && i + 1 < b.length && (b[i + 1] & 0xff) < 0xA0) return i;
            if (x == 0xF0 && i + 1 < b.length && (b[i + 1] & 0xff) < 0x90) return i;
        }
        return -1;
    }

    @Test
    void findsTheFirstOverlongFormAtEveryOffsetAndNothingInRealText() {
        byte[] text = "{\"name\":\"Amélie 🎓 € ok\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(Requests.overlongAt(text)).isEqualTo(-1);
        Random random = new Random(23);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (random.nextInt(10) == 0 ? 0xC0 + random.nextInt(0x40) : random.nextInt(10) == 0 ? 0x80 + random.nextInt(0x40)
                        : 0x20 + random.nextInt(0x5F));
            }
            assertThat(Requests.overlongAt(b)).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(byteAtATime(b));
        }
    }
}
