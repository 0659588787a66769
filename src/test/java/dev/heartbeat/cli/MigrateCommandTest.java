package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.SqliteDatabase;
import dev.heartbeat.store.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** {@code migrate} through the real command line: what 'run' starts in a process of its own. */
class MigrateCommandTest extends AgentTest {
    @Test
    void aNewStoreIsMadeAndACurrentOneLeftAsItIs() throws Exception {
        // Without the API key: migrating asks nothing of the model.
        agent.env().remove("HB_TEST_KEY");
        TestAgent.Result made = agent.run("migrate");
        assertThat(made.exit()).as(made.all()).isZero();
        assertThat(made.out()).isEqualTo(agent.database() + ": now at this release's schema\n");
        assertThat(Store.current(new SqliteDatabase(agent.database()))).isTrue();

        TestAgent.Result again = agent.run("migrate");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).isEqualTo(agent.database() + ": already at this release's schema\n");
    }

    @Test
    void aStoreMadeByAnotherBuildIsRefusedAndLeftAsItIs() throws Exception {
        assertThat(agent.run("migrate").exit()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 1119044668 WHERE version = '1'");
        }
        TestAgent.Result refused = agent.run("migrate");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .startsWith("error: cannot prepare the database " + agent.database())
                .contains("Nothing was changed");
        assertThat(refused.out()).isEmpty();
        assertThat(Store.current(new SqliteDatabase(agent.database()))).isFalse();
    }
}
