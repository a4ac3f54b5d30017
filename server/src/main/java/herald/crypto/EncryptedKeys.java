package herald.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.Provider;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/** Encrypted private keys, opened with BouncyCastle's PEM reader (the JDK has none for them). */
final class EncryptedKeys {
    /** BouncyCastle's own algorithms, used here only (not registered for the whole JVM): the JDK lacks some of the PBE schemes. */
    private static final Provider BC = new BouncyCastleProvider();

    private EncryptedKeys() {}

    static PrivateKey open(String pem, char[] password) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PKCS8EncryptedPrivateKeyInfo p8) {
                    InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password);
                    return converter.getPrivateKey(p8.decryptPrivateKeyInfo(decryptor));
                }
                if (o instanceof PEMEncryptedKeyPair legacy) {
                    PEMKeyPair pair = legacy.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password));
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PrivateKeyInfo clear) return converter.getPrivateKey(clear);
            }
        } catch (PKCSException | PEMException e) {
            throw new IllegalArgumentException("holds an encrypted key that this password does not open (" + e.getMessage() + ")");
        } catch (OperatorCreationException | IOException | IllegalStateException e) {
            throw new IllegalArgumentException("holds an encrypted key that cannot be read: " + e.getMessage());
        }
        throw new IllegalArgumentException("must hold a PEM private key");
    }
}
