package herald.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.json.Json;
import herald.subscription.ServiceJson;
import org.junit.jupiter.api.Test;

/** A receiver that echoes a service's credential, however it writes it back, shows no more than the mask. */
class SecretMaskTest {

    private static SecretMask of(String auth) {
        ObjectNode svc = Json.object().put("name", "echo").put("url", "https://echo.example/hook");
        svc.set("auth", Json.read(auth));
        return SecretMask.of(ServiceJson.parse(svc, null));
    }

    @Test
    void theCredentialIsMaskedAsTheCommonEncodersAndACaseChangeWriteIt() {
        SecretMask key = of("{\"type\":\"api_key\",\"header\":\"X-Key\",\"key\":\"K3y/with+slash~tilde\"}");
        for (String echoed : new String[] {"K3y/with+slash~tilde", "K3y%2Fwith%2Bslash%7Etilde", "K3y/with%2Bslash~tilde",
                "k3y%2fwith%2bslash~tilde", "K3Y/WITH+SLASH~TILDE", "K3y\\/with+slash~tilde"}) {
            assertThat(key.maskAnswer("you sent " + echoed + ".")).as(echoed).isEqualTo("you sent ********.");
        }
        SecretMask bearer = of("{\"type\":\"bearer\",\"token\":\"deadbeefcafebabe0123456789abcdef\"}");
        assertThat(bearer.maskAnswer("Authorization: Bearer DEADBEEFCAFEBABE0123456789ABCDEF")).isEqualTo("Authorization: Bearer ********");
        assertThat(bearer.maskAnswer("nothing of it here")).isEqualTo("nothing of it here");
        // What Herald writes itself is searched for the forms it writes.
        assertThat(bearer.mask("{\"token\":\"deadbeefcafebabe0123456789abcdef\"}")).isEqualTo("{\"token\":\"********\"}");
    }
}
