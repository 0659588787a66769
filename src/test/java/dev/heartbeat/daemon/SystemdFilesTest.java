package dev.heartbeat.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.cli.Main;
import dev.heartbeat.fakes.Requires;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit file as systemd judges it, and the installer as an operator runs it. */
class SystemdFilesTest {
    private static final Path UNIT = Path.of("systemd/heartbeat-agent.service");

    record Run(int exit, String output) {}

    @BeforeEach
    void needsSystemdAnalyze() {
        Requires.program("systemd-analyze", "apt-get install systemd");
    }

    private static Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void systemdAnalyzeVerifyIsClean() throws Exception {
        Run verify = run(Map.of(), "systemd-analyze", "verify", UNIT.toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).isBlank();
    }

    @Test
    void theUnitIsHardenedToAnExposureOfTwoOrLess() throws Exception {
        Run security = run(Map.of(), "systemd-analyze", "security", "--offline=true", UNIT.toString());
        Matcher m = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)")
                .matcher(security.output());
        assertThat(m.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isLessThanOrEqualTo(2.0);
    }

    @Test
    void theUnitKeepsTheJitAndTheNetworkAndReportsToSystemd() throws Exception {
        String unit = Files.readString(UNIT);
        assertThat(unit)
                .contains(
                        "Type=notify",
                        "WatchdogSec=",
                        "Restart=on-failure",
                        "StartLimitBurst=",
                        "DynamicUser=yes",
                        "StateDirectory=heartbeat-agent",
                        "ConfigurationDirectory=heartbeat-agent",
                        "LogsDirectory=heartbeat-agent",
                        "LoadCredential=",
                        "-Dorg.sqlite.tmpdir=/var/lib/heartbeat-agent",
                        "-XX:SharedArchiveFile=/usr/lib/heartbeat-agent/heartbeat-agent.jsa");
        List<String> settings = unit.lines().filter(l -> !l.startsWith("#")).toList();
        assertThat(settings).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute=") || l.startsWith("PrivateNetwork="));
    }

    @Test
    void theCommandLineItInstallsNamesTheJarByItsAbsolutePathWhateverDestdirWasGiven(@TempDir Path root)
            throws Exception {
        Path jar = Files.writeString(root.resolve("fake.jar"), "jar bytes");
        ProcessBuilder pb = new ProcessBuilder(
                        "sh", Path.of("systemd/install.sh").toAbsolutePath().toString())
                .directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("DESTDIR", "stage", "JAR", jar.toString(), "ARCHIVE", "0"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        assertThat(Files.readString(root.resolve("stage/usr/bin/heartbeat-agent")))
                .contains("-jar " + root.toRealPath().resolve("stage/usr/lib/heartbeat-agent/heartbeat-agent.jar"));
    }

    @Test
    void theInstallerIsIdempotentAndItsConfigIsValid(@TempDir Path root) throws Exception {
        Path jar = Files.writeString(root.resolve("fake.jar"), "jar bytes");
        Map<String, String> env = Map.of("DESTDIR", root.resolve("stage").toString(), "JAR", jar.toString());
        Run first = run(env, "sh", "systemd/install.sh");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output())
                .contains("created")
                .contains("systemctl enable --now heartbeat-agent")
                .contains("journalctl -u heartbeat-agent");
        Path etc = root.resolve("stage/etc/heartbeat-agent");
        assertThat(root.resolve("stage/usr/lib/heartbeat-agent/heartbeat-agent.jar"))
                .hasContent("jar bytes");
        assertThat(root.resolve("stage/etc/systemd/system/heartbeat-agent.service"))
                .exists();
        assertThat(root.resolve("stage/usr/bin/heartbeat-agent")).isExecutable();
        assertThat(etc.resolve("HEARTBEAT.md")).exists();
        assertThat(Files.getPosixFilePermissions(etc.resolve("openai-api-key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        Files.writeString(etc.resolve("agent.yaml"), Files.readString(etc.resolve("agent.yaml")) + "# edited\n");
        Run second = run(env, "sh", "systemd/install.sh");
        assertThat(second.exit()).isZero();
        assertThat(second.output()).contains("kept").doesNotContain("created");
        assertThat(Files.readString(etc.resolve("agent.yaml"))).endsWith("# edited\n");

        // The installed configuration is valid once the key is there, read as a systemd credential.
        Path credentials = Files.createDirectories(root.resolve("creds"));
        Files.writeString(credentials.resolve("openai-api-key"), "sk-installed-key-1234567\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(
                new String[] {"--config", etc.resolve("agent.yaml").toString(), "config", "check"},
                new PrintWriter(out),
                new PrintWriter(err),
                Map.of("CREDENTIALS_DIRECTORY", credentials.toString()));
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("/var/lib/heartbeat-agent/heartbeat.db")
                .contains("api-key: <redacted>")
                .doesNotContain("sk-installed-key");
    }

    /** The unit's trim flag is kept for a JVM that knows it and left out for one that would refuse to start on it. */
    @Test
    void theInstalledUnitHasOnlyFlagsItsJavaKnows(@TempDir Path root) throws Exception {
        Path jar = Files.writeString(root.resolve("fake.jar"), "jar bytes");
        Path unit = root.resolve("stage/etc/systemd/system/heartbeat-agent.service");
        Map<String, String> env = new java.util.HashMap<>(
                Map.of("DESTDIR", root.resolve("stage").toString(), "JAR", jar.toString(), "ARCHIVE", "0"));
        Run knows = run(env, "sh", "systemd/install.sh");
        assertThat(knows.exit()).as(knows.output()).isZero();
        assertThat(Files.readString(unit)).contains(" -XX:TrimNativeHeapInterval=30000 ");

        // An older java: the same JVM, but it refuses the flag as one that does not know it does.
        Path bin = Files.createDirectories(root.resolve("old-java"));
        Path java = bin.resolve("java");
        Files.writeString(
                java,
                "#!/bin/sh\ncase \"$*\" in *TrimNativeHeapInterval*) "
                        + "echo \"Unrecognized VM option 'TrimNativeHeapInterval=30000'\" >&2; exit 1;; esac\n"
                        + "exec " + dev.heartbeat.fakes.JarProcess.java() + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        Run older = run(env, "sh", "systemd/install.sh");
        assertThat(older.exit()).as(older.output()).isZero();
        assertThat(older.output()).contains("no -XX:TrimNativeHeapInterval");
        String installed = Files.readString(unit);
        assertThat(installed).doesNotContain("TrimNativeHeapInterval=30000 ").contains("-XX:SharedArchiveFile=");
        assertThat(installed.replace(" -XX:TrimNativeHeapInterval=30000", "").replace(java.toString(), "/usr/bin/java"))
                .as("nothing else changed but the java")
                .isEqualTo(Files.readString(UNIT).replace(" -XX:TrimNativeHeapInterval=30000", ""));
    }

    /**
     * The unit and the command line run the java the installer asked about its flags and made the archive with: with
     * another first on the PATH than {@code /usr/bin/java}, a flag the one knows would stop the other from starting.
     */
    @Test
    void theUnitAndTheCommandLineRunTheJavaTheInstallerChecked(@TempDir Path root) throws Exception {
        Path jar = Files.writeString(root.resolve("fake.jar"), "jar bytes");
        Path bin = Files.createDirectories(root.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nexec " + dev.heartbeat.fakes.JarProcess.java() + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stage = root.resolve("stage");
        Map<String, String> env = Map.of(
                "DESTDIR",
                stage.toString(),
                "JAR",
                jar.toString(),
                "ARCHIVE",
                "0",
                "PATH",
                bin + ":" + System.getenv("PATH"));
        Run install = run(env, "sh", "systemd/install.sh");
        assertThat(install.exit()).as(install.output()).isZero();
        assertThat(Files.readString(stage.resolve("etc/systemd/system/heartbeat-agent.service")))
                .contains("\nExecStart=" + java + " -XX:+UseSerialGC ")
                .doesNotContain("/usr/bin/java");
        assertThat(Files.readString(stage.resolve("usr/bin/heartbeat-agent")))
                .contains("exec " + java + " -XX:+UseSerialGC ");

        Path chosen = root.resolve("other/java");
        Files.createDirectories(chosen.getParent());
        Files.copy(java, chosen);
        Run picked = run(
                Map.of("DESTDIR", stage.toString(), "JAR", jar.toString(), "ARCHIVE", "0", "JAVA", chosen.toString()),
                "sh",
                "systemd/install.sh");
        assertThat(picked.exit()).as(picked.output()).isZero();
        assertThat(Files.readString(stage.resolve("etc/systemd/system/heartbeat-agent.service")))
                .contains("\nExecStart=" + chosen + " -XX:+UseSerialGC ");
    }
}
