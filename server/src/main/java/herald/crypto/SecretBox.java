package herald.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM. The output {@code v1:<base64(nonce|ciphertext|tag)>}
 * is self-describing so the scheme can change later without guessing.
 */
public final class SecretBox {
    /** How a secret is shown where it may not be read (API answers, the masked copy in the database, logs). */
    public static final String MASK = "********";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "v1:";
    private final SecretKey key;

    public SecretBox(byte[] key) {
        if (key.length != 32) throw new IllegalArgumentException("master key must be 32 bytes");
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The master key: {@code HERALD_MASTER_KEY} (base64 of 32 bytes) if given, otherwise
     * {@code master.key} in the data directory, created with mode 0600 on first start.
     */
    public static SecretBox fromConfig(String masterKey, Path dataDir) {
        NewKey opened = open(masterKey, dataDir);
        opened.keep();
        return opened.box();
    }

    /**
     * The master key as {@link #fromConfig}, but a key made now (there was no {@code master.key})
     * is written only by {@link NewKey#keep}: a start refused because the key cannot read the
     * database's secrets (the file was lost) must not leave a wrong key behind.
     */
    public static NewKey open(String masterKey, Path dataDir) {
        Path file = dataDir.resolve("master.key");
        if (masterKey.isEmpty() && !Files.exists(file)) {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            return new NewKey(new SecretBox(k), () -> write(file, k));
        }
        return new NewKey(existing(masterKey, dataDir), () -> { });
    }

    /** A master key, and what keeps it (writes it, when it was made now). */
    public record NewKey(SecretBox box, Runnable writer) {
        public void keep() {
            writer.run();
        }
    }

    private static void write(Path file, byte[] k) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(k) + "\n", StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; nothing more we can do
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create master key " + file + ": " + e.getMessage(), e);
        }
    }

    private static SecretBox existing(String masterKey, Path dataDir) {
        if (!masterKey.isEmpty()) {
            byte[] k;
            try {
                k = Base64.getDecoder().decode(masterKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("HERALD_MASTER_KEY must be base64 of 32 random bytes");
            }
            if (k.length != 32) throw new IllegalStateException("HERALD_MASTER_KEY must be base64 of 32 random bytes");
            return new SecretBox(k);
        }
        Path file = dataDir.resolve("master.key");
        try {
            return new SecretBox(Base64.getDecoder().decode(Files.readString(file).trim()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read master key " + file + ": " + e.getMessage(), e);
        }
    }

    /** A box whose key is derived from a passphrase (PBKDF2), for backups that carry secrets. */
    public static SecretBox fromPassphrase(String passphrase, byte[] salt) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] k = f.generateSecret(new PBEKeySpec(passphrase.toCharArray(), salt, 210_000, 256)).getEncoded();
            return new SecretBox(k);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A key for {@code purpose} derived from the master key (HMAC-SHA256 of the purpose): kept as the
     * master key is, never stored, and distinct per purpose so no use can stand in for another.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("herald-derived:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String encrypt(String plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decrypts; throws {@link IllegalArgumentException} when the text was not sealed with this key. */
    public String decrypt(String sealed) {
        if (!sealed.startsWith(PREFIX)) throw new IllegalArgumentException("not an encrypted secret");
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot decrypt secret: wrong key or damaged data");
        }
    }
}
