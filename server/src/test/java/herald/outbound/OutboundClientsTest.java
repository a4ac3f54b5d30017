package herald.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import herald.json.Json;
import herald.subscription.Service;
import herald.subscription.ServiceJson;
import herald.testing.TestCerts;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

class OutboundClientsTest {
    private final TestCerts certs = TestCerts.get();

    private Service service(String ca) {
        var json = Json.object().put("name", "s").put("url", "https://r.example/");
        if (ca != null) json.putObject("tls").put("ca_pem", certs.read(ca));
        return ServiceJson.parse(json, null).withId("svc_1", 1, 1);
    }

    @Test
    void aServiceKeepsItsClientUntilItsTlsSettingsChangeOrItIdlesFifteenMinutes() throws Exception {
        try (OutboundClients clients = new OutboundClients(new OutboundGuard(List.of()), 4)) {
            HttpClient shared = clients.client(service(null));
            HttpClient own = clients.client(service("ca.pem"));
            assertThat(own).isNotSameAs(shared);
            assertThat(clients.client(service("ca.pem"))).isSameAs(own);

            HttpClient changed = clients.client(service("server.pem")); // another CA bundle: a new client
            assertThat(changed).isNotSameAs(own);
            assertThat(own.isRunning()).isTrue(); // requests it carries may finish; stopped 5 minutes later

            clients.prune(System.currentTimeMillis() + 14 * 60_000);
            assertThat(changed.isRunning()).isTrue();
            clients.prune(System.currentTimeMillis() + 16 * 60_000);
            assertThat(changed.isRunning()).isFalse();
            assertThat(shared.isRunning()).isTrue(); // its threads were shared, not stopped with it
            assertThat(((org.eclipse.jetty.util.component.LifeCycle) shared.getExecutor()).isRunning()).isTrue();
            assertThat(clients.client(service("server.pem"))).isNotSameAs(changed).matches(HttpClient::isRunning);
        }
    }
}
