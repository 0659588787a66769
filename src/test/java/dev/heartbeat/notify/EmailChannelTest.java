package dev.heartbeat.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** E-mail alerts through a real SMTP server (GreenMail), with a login, and through the outbox while it is down. */
class EmailChannelTest extends AgentTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private AgentConfig config(int port) throws Exception {
        agent.env().put("SMTP_PASSWORD", "smtp-secret-7d1f2e9a");
        agent.yaml("notify:\n  channels:\n    - { type: email, url: \"smtp://127.0.0.1:" + port
                + "\", to: [ops@example.com, oncall@example.com], from: heartbeat@example.com, "
                + "username: heartbeat, password: \"${SMTP_PASSWORD}\" }\n");
        return new ConfigLoader(agent.env()).read(agent.config());
    }

    @Test
    void aNotificationIsMailedWithItsSeverityInTheSubjectAndTheLoginKeptSecret() throws Exception {
        int port = freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("heartbeat@example.com", "heartbeat", "smtp-secret-7d1f2e9a");
        smtp.start();
        try {
            AgentConfig config = config(port);
            fake.call("notify", "{\"message\": \"disk on db1 is full\\nat 99%\", \"severity\": \"critical\"}")
                    .text("HEARTBEAT_OK");
            Decision d;
            try (AgentRuntime runtime = new AgentRuntime(config, java.time.Clock.systemUTC())) {
                d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            }
            assertThat(d.notifications())
                    .filteredOn(n -> n.channel().startsWith("email"))
                    .singleElement()
                    .satisfies(n -> {
                        assertThat(n.status()).isEqualTo("sent");
                        assertThat(n.detail()).isEqualTo("SMTP 250");
                    });
            MimeMessage[] mails = smtp.getReceivedMessages();
            assertThat(mails).hasSize(2); // one per recipient, as GreenMail stores them
            MimeMessage mail = mails[0];
            assertThat(mail.getSubject()).isEqualTo("[heartbeat-agent test-agent] critical: disk on db1 is full");
            assertThat(String.valueOf(mail.getContent()).replace("\r\n", "\n").strip())
                    .isEqualTo("disk on db1 is full\nat 99%");
            assertThat(mail.getRecipients(Message.RecipientType.TO)).hasSize(2);
            assertThat(mail.getHeader("X-Heartbeat-Idempotency-Key")[0])
                    .isNotBlank()
                    .doesNotContain("|");
            assertThat(agent.run("config", "check").out()).doesNotContain("smtp-secret-7d1f2e9a");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aServerThatIsDownGetsTheMailLaterFromTheOutbox() throws Exception {
        int port = freePort();
        AgentConfig config = config(port);
        MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        fake.call("notify", "{\"message\": \"backup failed\", \"severity\": \"warning\"}")
                .text("HEARTBEAT_OK");
        GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("heartbeat@example.com", "heartbeat", "smtp-secret-7d1f2e9a");
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            Decision first = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            assertThat(first.notifications())
                    .filteredOn(n -> n.channel().startsWith("email"))
                    .singleElement()
                    .satisfies(n -> {
                        assertThat(n.status()).isEqualTo("queued");
                        assertThat(n.detail()).contains("cannot connect to 127.0.0.1");
                    });
            smtp.start();
            clock.advance(Duration.ofSeconds(11));
            runtime.retryNotifications();
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            assertThat(smtp.getReceivedMessages()[0].getSubject()).contains("warning: backup failed");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void anEmailChannelNeedsAServerRecipientsAndASender() throws Exception {
        agent.replaceYaml("notify:\n  channels:\n    - { type: email, url: \"https://mail.example.com\", to: [a@b.c], "
                + "from: x@y.z }\n");
        TestAgent.Result scheme = agent.run("config", "check");
        assertThat(scheme.exit()).isEqualTo(2);
        assertThat(scheme.err()).contains("smtp://HOST:587");
        agent.replaceYaml(
                "notify:\n  channels:\n    - { type: email, url: \"smtp://mail.example.com\", from: x@y.z }\n");
        assertThat(agent.run("config", "check").err()).contains("needs to: [addresses]");
        agent.replaceYaml("notify:\n  channels:\n    - { type: email, url: \"smtp://mail.example.com\", to: [a@b.c], "
                + "from: x@y.z, username: u }\n");
        assertThat(agent.run("config", "check").err()).contains("both username and password");
        agent.replaceYaml("notify:\n  channels:\n    - { type: slack, url: \"https://h/x\", to: [a@b.c] }\n");
        assertThat(agent.run("config", "check").err()).contains("are an email channel's keys");
    }
}
