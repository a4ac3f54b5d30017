package herald.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import herald.testing.TestCerts;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {
    private final TestCerts certs = TestCerts.get();

    @ParameterizedTest
    @ValueSource(strings = {"pkcs8", "pkcs1", "sec1"})
    void eachKeyFormatReadsAsTheKeyOpensslWritesAsPkcs8(String format) throws Exception {
        var key = Pem.privateKey(certs.read("client-" + format + ".key"));
        String p8 = certs.read("client-" + format + ".p8");
        byte[] der = Base64.getMimeDecoder().decode(p8.replaceAll("-----[A-Z ]+-----", ""));
        var reference = KeyFactory.getInstance(format.equals("sec1") ? "EC" : "RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        assertThat(key.getAlgorithm()).isEqualTo(reference.getAlgorithm());
        if (key instanceof ECPrivateKey ec) { // same curve, same secret scalar
            assertThat(ec.getS()).isEqualTo(((ECPrivateKey) reference).getS());
            assertThat(ec.getParams().getOrder()).isEqualTo(((ECPrivateKey) reference).getParams().getOrder());
        } else {
            assertThat(((RSAPrivateKey) key).getModulus()).isEqualTo(((RSAPrivateKey) reference).getModulus());
            assertThat(((RSAPrivateKey) key).getPrivateExponent()).isEqualTo(((RSAPrivateKey) reference).getPrivateExponent());
        }
        assertThat(Pem.matches(key, Pem.certificates(certs.read("client-" + format + ".pem")).get(0))).isTrue();
        assertThat(Pem.matches(key, Pem.certificates(certs.read("ca.pem")).get(0))).isFalse();
    }

    @Test
    void aBundleYieldsEveryCertificateInOrder() {
        var bundle = Pem.certificates("# comment\n" + certs.read("client-pkcs8.pem") + "\n" + certs.read("ca.pem"));
        assertThat(bundle).hasSize(2);
        assertThat(bundle.get(0).getSubjectX500Principal().getName()).contains("herald-client-pkcs8");
        assertThat(bundle.get(1).getSubjectX500Principal().getName()).contains("Herald Test CA");
    }

    @Test
    void unreadableInputIsExplained() {
        assertThatThrownBy(() -> Pem.certificates("hello")).hasMessageContaining("at least one PEM certificate");
        assertThatThrownBy(() -> Pem.privateKey(certs.read("ca.pem"))).hasMessageContaining("must hold a PEM private key");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"))
                .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
