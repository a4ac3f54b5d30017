package herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import herald.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands' answers to an operator's input errors, in a child JVM as an operator runs them:
 * one line naming the problem and exit 2, distinct from a command's own "no" (exit 1).
 */
class CliInputTest {
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);

    @TempDir Path data;

    private Cli.Result herald(String... args) {
        return herald(Map.of(), args);
    }

    private Cli.Result herald(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("HERALD_DATA_DIR", data.toString());
        return Cli.run(env, args);
    }

    private static void assertInputError(Cli.Result r, String line) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        // One line, no stack trace (the child JVM on the test class path may warn about SQLite's native access first).
        assertThat(r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: "))).containsExactly(line);
    }

    @Test
    void aMissingFileIsOneLineNamingItAndExit2() {
        Path missing = data.resolve("nonexistent.json");
        assertInputError(herald("restore", missing.toString()), "cannot read " + missing + ": no such file");
        assertInputError(herald("verify", "--secret", SECRET, "--request", missing.toString()),
                "cannot read " + missing + ": no such file");
        assertInputError(herald("verify", "--secret", SECRET, "--id", "msg_1", "--timestamp", "1", "--signature", "v1,x",
                "--body", missing.toString()), "cannot read " + missing + ": no such file");
        assertInputError(herald("import", "local-webhooks", missing.toString()), "cannot read " + missing + ": no such file");
        // A secret file is read for its first line only: /dev/zero is an empty line, not the heap.
        assertInputError(herald("verify", "--secret-file", "/dev/zero", "--id", "msg_1", "--timestamp", "1", "--signature", "v1,x",
                "--body", missing.toString()), "/dev/zero holds no secret on its first line");
    }

    @Test
    void anInvalidConfigurationIsAUsageErrorWithoutAStackTrace() {
        var r = herald(Map.of("HERALD_HTTP_PORT", "abc"), "replay", "--all");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("invalid configuration").contains("HERALD_HTTP_PORT").doesNotContain("\tat ");
    }

    @Test
    void aDirectoryIsNotReadAsAFile() {
        assertInputError(herald("restore", data.toString()), "cannot read " + data + ": is a directory");
    }

    @Test
    void backupIntoAMissingDirectorySaysSo() {
        Path out = data.resolve("no-such-dir").resolve("backup.json");
        assertInputError(herald("backup", "-o", out.toString()), "cannot write " + out + ": no such directory");
    }

    @Test
    void aSignatureThatDoesNotMatchStillExits1() throws Exception {
        Path request = data.resolve("saved.http");
        Files.writeString(request, "POST /hook HTTP/1.1\r\nwebhook-id: msg_1\r\nwebhook-timestamp: "
                + System.currentTimeMillis() / 1000 + "\r\nwebhook-signature: v1,AAAA\r\n\r\n{}");
        var r = herald("verify", "--secret", SECRET, "--request", request.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("invalid: the signature does not match");

        Files.writeString(request, "POST /hook HTTP/1.1\r\nwebhook-id: msg_1\r\nwebhook-timestamp: soon\r\n"
                + "webhook-signature: v1,AAAA\r\n\r\n{}");
        var badTime = herald("verify", "--secret", SECRET, "--request", request.toString());
        assertThat(badTime.exitCode()).as(badTime.out() + badTime.err()).isEqualTo(1);
        assertThat(badTime.out()).startsWith("invalid: webhook-timestamp is not a number");
        assertThat(badTime.err()).isEmpty();
    }

    @Test
    void backupWithSecretsNamesTheCliPassphraseNotTheHttpHeader() {
        for (var env : java.util.List.of(Map.<String, String>of(), Map.of("HERALD_BACKUP_PASSPHRASE", "short"))) {
            var r = herald(env, "backup", "--include-secrets");
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("HERALD_BACKUP_PASSPHRASE").contains("12 characters")
                    .doesNotContain("X-Backup-Passphrase");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void restoreOfSealedSecretsWithoutThePassphraseSaysWhereTheCliReadsIt() throws Exception {
        Path file = data.resolve("backup.json");
        var backup = herald(Map.of("HERALD_BACKUP_PASSPHRASE", "correct horse battery staple"),
                "backup", "--include-secrets", "-o", file.toString());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        var r = herald("restore", file.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("passphrase").contains("HERALD_BACKUP_PASSPHRASE");
    }

    @Test
    void commandsAnswerHelp() {
        for (String command : new String[] {"start", "backup", "restore", "verify", "replay", "erase", "import"}) {
            var r = herald(command, "--help");
            assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
            assertThat(r.out()).as(command).contains("Usage: herald " + command);
        }
    }
}
