package herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import herald.testing.Backend;
import herald.testing.TestHerald;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatcherStoppedTest {
    @Test
    void healthSaysSoWhenTheDeliveryLoopHasEnded() throws Exception {
        // An error the loop cannot go on from (an OutOfMemoryError where the JVM is not told to exit)
        // ended it silently: the node took events and sent none while /health said up.
        try (TestHerald h = TestHerald.start(Backend.SQLITE)) {
            assertThat(h.api().get("/health").status()).isEqualTo(200);
            Thread loop = h.herald().dispatcher().loopThread();
            loop.interrupt(); // ends the loop, as such an error would
            loop.join(10_000);
            assertThat(loop.isAlive()).isFalse();
            var health = h.api().get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("dispatcher_stopped");
        }
    }
}
