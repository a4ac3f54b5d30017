package herald.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made by the {@code openssl} command line (Debian's package; {@code .ci/run}
 * installs it when absent), so that the key files are the very formats operators bring: a test CA,
 * a server certificate it signed for 127.0.0.1, one it signed for the name {@code localhost} only, a self-signed one, and client certificates whose
 * keys are PKCS#8, PKCS#1 (RSA) and SEC1 (EC). Made once per JVM, in a temporary directory.
 */
public final class TestCerts {
    public static final String STORE_PASSWORD = "test-store-pass";
    /** What the encrypted client keys open with. */
    public static final String KEY_PASSWORD = "client-key-pass-31c9";
    private static TestCerts made;

    public final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    public static synchronized TestCerts get() {
        if (made == null) made = generate();
        return made;
    }

    public Path path(String name) {
        return dir.resolve(name);
    }

    public String read(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client key formats made, each with a certificate {@code client-<format>.pem} and key {@code client-<format>.key}. */
    public static final List<String> CLIENT_KEY_FORMATS = List.of("pkcs8", "pkcs1", "sec1");

    private static TestCerts generate() {
        try {
            Path dir = Files.createTempDirectory("herald-certs");
            TestCerts c = new TestCerts(dir);
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            Files.writeString(dir.resolve("named.ext"), "subjectAltName=DNS:localhost\n");
            Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                    "-subj", "/CN=Herald Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            c.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
            c.signed("server.csr", "server.pem", "server.ext");
            c.signed("server.csr", "named.pem", "named.ext");
            c.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.pem", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
            Files.copy(dir.resolve("server.key"), dir.resolve("named.key"));
            for (String name : List.of("server", "named", "self")) {
                c.openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-out", name + ".p12",
                        "-passout", "pass:" + STORE_PASSWORD, "-name", name);
            }
            c.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "client-pkcs8.key");
            c.openssl("genrsa", "-traditional", "-out", "client-pkcs1.key", "2048");
            c.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "client-sec1.key"); // EC PARAMETERS, then the key
            for (String format : CLIENT_KEY_FORMATS) {
                c.openssl("req", "-new", "-key", "client-" + format + ".key", "-out", "client-" + format + ".csr",
                        "-subj", "/CN=herald-client-" + format);
                c.signed("client-" + format + ".csr", "client-" + format + ".pem", "client.ext");
                // The same key as PKCS#8, for comparing what Herald's own wrapping makes of the other formats.
                c.openssl("pkcs8", "-topk8", "-nocrypt", "-in", "client-" + format + ".key", "-out", "client-" + format + ".p8");
            }
            // Encrypted with KEY_PASSWORD: PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY) and OpenSSL's legacy PEM (Proc-Type: 4,ENCRYPTED).
            c.openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-passout", "pass:" + KEY_PASSWORD, "-in", "client-pkcs8.key",
                    "-out", "client-pkcs8-encrypted.key");
            c.openssl("rsa", "-traditional", "-aes256", "-passout", "pass:" + KEY_PASSWORD, "-in", "client-pkcs1.key",
                    "-out", "client-pkcs1-encrypted.key");
            return c;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void signed(String csr, String out, String extensions) {
        openssl("x509", "-req", "-in", csr, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", out,
                "-days", "2", "-extfile", extensions);
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("openssl is needed for the TLS tests (apt-get install openssl): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
