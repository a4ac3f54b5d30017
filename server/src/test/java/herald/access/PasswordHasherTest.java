package herald.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void anArgon2idHashVerifiesItsPasswordAndNoOther() {
        String hash = PasswordHasher.hash("correct-horse-battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(PasswordHasher.verify("correct-horse-battery", hash)).isTrue();
        assertThat(PasswordHasher.verify("correct-horse-batterY", hash)).isFalse();
        assertThat(PasswordHasher.hash("correct-horse-battery")).as("salted").isNotEqualTo(hash);
        assertThat(PasswordHasher.verify("x", "not a hash")).isFalse();
    }

    @Test
    void aGeneratedPasswordIsStoredAsItsSha256AndVerifiesItselfAndNoOther() {
        String oneTime = "abcde-fghij-kmnpq-rstuv";
        String hash = PasswordHasher.hashGenerated(oneTime);
        assertThat(hash).isEqualTo("$sha256$" + ApiKeys.hash(oneTime)).doesNotContain(oneTime);
        assertThat(PasswordHasher.verify(oneTime, hash)).isTrue();
        assertThat(PasswordHasher.verify("abcde-fghij-kmnpq-rstuw", hash)).isFalse();
        assertThat(PasswordHasher.verify(oneTime, "$sha256$")).as("no digest").isFalse();
    }

    @Test
    void storedParametersAreReadBackSoTheyCanBeRaisedLater() {
        // a hash made with other parameters (as a later Herald might): 8 MiB, 3 passes, 2 lanes
        byte[] salt = "sixteen-byte-slt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var params = new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
                .withMemoryAsKB(8192).withIterations(3).withParallelism(2).build();
        var gen = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[32];
        gen.generateBytes("pw-1234567890".getBytes(java.nio.charset.StandardCharsets.UTF_8), out);
        var b64 = java.util.Base64.getEncoder().withoutPadding();
        String phc = "$argon2id$v=19$m=8192,t=3,p=2$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
        assertThat(PasswordHasher.verify("pw-1234567890", phc)).isTrue();
        assertThat(PasswordHasher.verify("pw-1234567890", phc.replace("t=3", "t=2"))).isFalse();
    }
}
