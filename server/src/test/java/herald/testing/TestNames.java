package herald.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Name resolution for the test JVM (registered in {@code META-INF/services}): names under
 * {@code .loopback.herald.test} resolve to 127.0.0.1, as a public-looking name whose DNS answer
 * points inside the network would; every other name goes to the JDK's own resolver.
 */
public final class TestNames extends InetAddressResolverProvider {
    public static final String LOOPBACK_SUFFIX = ".loopback.herald.test";

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.endsWith(LOOPBACK_SUFFIX)) return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "herald-test-names";
    }
}
