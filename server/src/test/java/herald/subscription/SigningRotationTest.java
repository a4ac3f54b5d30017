package herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SigningRotationTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long HOUR = 3_600_000L;

    @Test
    void theOldSecretSignsBesideTheNewOneUntilTheOverlapEnds() {
        var signing = new Service.Signing(true, "standard", "old").rotated("new", 24 * HOUR, T0);
        assertThat(signing.secretsAt(T0)).containsExactly("new", "old");
        assertThat(signing.secretsAt(T0 + 24 * HOUR - 1)).containsExactly("new", "old");
        assertThat(signing.secretsAt(T0 + 24 * HOUR)).containsExactly("new");
    }

    @Test
    void noOverlapMeansTheOldSecretStopsAtOnce() {
        assertThat(new Service.Signing(true, "standard", "old").rotated("new", 0, T0).secretsAt(T0)).containsExactly("new");
    }

    @Test
    void successiveRotationsKeepEveryLiveSecretUpToALimitAndDropExpiredOnes() {
        var s = new Service.Signing(true, "standard", "s0");
        s = s.rotated("s1", HOUR, T0);           // s0 until T0+1h
        s = s.rotated("s2", 10 * HOUR, T0 + 1);  // s1 until T0+10h
        assertThat(s.secretsAt(T0 + 2)).containsExactly("s2", "s1", "s0");
        s = s.rotated("s3", 10 * HOUR, T0 + 2 * HOUR); // s0 has expired and is dropped
        assertThat(s.previous()).extracting(Service.PreviousSecret::secret).containsExactly("s2", "s1");
        for (int i = 4; i < 12; i++) s = s.rotated("s" + i, 10 * HOUR, T0 + 2 * HOUR + i);
        assertThat(s.previous()).hasSize(Service.Signing.MAX_PREVIOUS);
        assertThat(s.previous().get(0).secret()).isEqualTo("s10"); // newest kept first
    }

    @Test
    void rotatingBackToAStillLiveSecretDoesNotListItTwice() {
        var s = new Service.Signing(true, "standard", "a").rotated("b", HOUR, T0).rotated("a", HOUR, T0 + 1);
        assertThat(s.secretsAt(T0 + 2)).containsExactly("a", "b");
    }
}
