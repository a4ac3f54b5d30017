package herald.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Jackson's buffers are shared between threads: each request and each send runs on a new virtual thread. */
class BufferSharingTest {

    @Test
    void aVirtualThreadGetsTheBuffersAnEarlierOneGaveBack() throws Exception {
        var pool = Json.MAPPER.getFactory()._getRecyclerPool();
        AtomicReference<BufferRecycler> first = new AtomicReference<>(), second = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            BufferRecycler r = pool.acquireAndLinkPooled();
            first.set(r);
            r.releaseToPool();
        }).join();
        Thread.ofVirtual().start(() -> {
            BufferRecycler r = pool.acquireAndLinkPooled();
            second.set(r);
            r.releaseToPool();
        }).join();
        // per thread (Jackson's default), the second thread would make its own
        assertThat(second.get()).isSameAs(first.get());
    }
}
