package herald.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM text, with the JDK alone. Keys may be PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}); the JDK reads only PKCS#8, so the other two are wrapped into it:
 * a PKCS#8 document is the older structure in an OCTET STRING after a version and an algorithm
 * identifier (RFC 5208), a few bytes of DER written here by hand. Errors are
 * {@link IllegalArgumentException}s whose message suits an API field error.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private Pem() {}

    private record Block(String label, byte[] der) {}

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
                throw new IllegalArgumentException("holds an encrypted key: give its password in client_key_password");
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("has a " + m.group(1) + " block that is not valid base64");
            }
        }
        return out;
    }

    /** Every {@code CERTIFICATE} block, in order; at least one. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(pem)) {
                if (b.label().equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("holds a certificate that cannot be read: " + e.getMessage());
        }
        if (out.isEmpty()) throw new IllegalArgumentException("must hold at least one PEM certificate (-----BEGIN CERTIFICATE-----)");
        return out;
    }

    /**
     * The one private key in {@code pem}, opened with {@code password} when it is encrypted: PKCS#8
     * with a password ({@code BEGIN ENCRYPTED PRIVATE KEY}) or a legacy OpenSSL key with
     * {@code Proc-Type: 4,ENCRYPTED} (what nosey's {@code certificatepassword} opens). The JDK reads
     * neither; BouncyCastle does.
     */
    public static PrivateKey privateKey(String pem, String password) {
        boolean encrypted = pem.contains("ENCRYPTED PRIVATE KEY") || (pem.contains("Proc-Type:") && pem.contains("ENCRYPTED"));
        if (!encrypted) return privateKey(pem);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("holds an encrypted key: give its password in client_key_password");
        }
        return EncryptedKeys.open(pem, password.toCharArray());
    }

    /** The one private key in {@code pem}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC). */
    public static PrivateKey privateKey(String pem) {
        for (Block b : blocks(pem)) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der(), "RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
                }
                case "RSA PRIVATE KEY" -> {
                    byte[] algorithm = der(0x30, RSA_ENCRYPTION, DER_NULL);
                    return pkcs8(der(0x30, VERSION_0, algorithm, der(0x04, b.der())), "RSA");
                }
                case "EC PRIVATE KEY" -> {
                    byte[] algorithm = der(0x30, EC_PUBLIC_KEY, sec1Curve(b.der()));
                    return pkcs8(der(0x30, VERSION_0, algorithm, der(0x04, b.der())), "EC");
                }
                case "ENCRYPTED PRIVATE KEY" ->
                        throw new IllegalArgumentException("holds an encrypted key: give its password in client_key_password");
                default -> { } // e.g. EC PARAMETERS before the key
            }
        }
        throw new IllegalArgumentException("must hold a PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /** Whether {@code key} is the private half of {@code cert}'s public key: a signature made with one verifies with the other. */
    public static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) return true; // nothing to check it with; the handshake will tell
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            PublicKey pub = cert.getPublicKey();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an RSA key beside an EC certificate
        }
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("holds a private key that cannot be read (supported: RSA, EC, Ed25519)");
    }

    /** The named-curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}, as DER (tag and length included). */
    private static byte[] sec1Curve(byte[] sec1) {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] ECParameters OPTIONAL, [1] ... }
        Der seq = Der.read(sec1, 0);
        if (seq.tag() != 0x30) throw new IllegalArgumentException("holds an EC PRIVATE KEY that is not a DER sequence");
        int at = seq.contentStart();
        while (at < seq.end()) {
            Der field = Der.read(sec1, at);
            if (field.tag() == 0xA0) {
                Der oid = Der.read(sec1, field.contentStart());
                if (oid.tag() != 0x06) break;
                return java.util.Arrays.copyOfRange(sec1, field.contentStart(), oid.end());
            }
            at = field.end();
        }
        throw new IllegalArgumentException("holds an EC PRIVATE KEY without its named curve (write it with openssl ec -param_enc named_curve)");
    }

    /** One DER element's tag and where its content starts and ends. */
    private record Der(int tag, int contentStart, int end) {
        static Der read(byte[] b, int at) {
            if (at + 2 > b.length) throw new IllegalArgumentException("holds a truncated key");
            int tag = b[at] & 0xFF;
            int len = b[at + 1] & 0xFF;
            int start = at + 2;
            if (len > 0x80) { // long form: the next (len & 0x7F) bytes hold the length
                int n = len & 0x7F;
                if (n > 3 || start + n > b.length) throw new IllegalArgumentException("holds a malformed key");
                len = 0;
                for (int i = 0; i < n; i++) len = (len << 8) | (b[start + i] & 0xFF);
                start += n;
            } else if (len == 0x80) {
                throw new IllegalArgumentException("holds a malformed key (indefinite length)");
            }
            if (start + len > b.length) throw new IllegalArgumentException("holds a truncated key");
            return new Der(tag, start, start + len);
        }
    }

    /** A DER element: {@code tag}, its length, then {@code parts} concatenated. */
    static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) content.writeBytes(p);
        int len = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (len < 0x80) {
            out.write(len);
        } else {
            int n = len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
            out.write(0x80 | n);
            for (int i = n - 1; i >= 0; i--) out.write((len >>> (8 * i)) & 0xFF);
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
