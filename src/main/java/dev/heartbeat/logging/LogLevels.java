package dev.heartbeat.logging;

import ch.qos.logback.classic.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The levels the console sets, apart from {@link LogSetup} (a logback configurator, whose loading loads a dozen of
 * logback's types): {@link LazyLoggers} read them before logback is started.
 */
final class LogLevels {
    /** The root logger's name, as logback and SLF4J spell it. */
    static final String ROOT = org.slf4j.Logger.ROOT_LOGGER_NAME;

    private LogLevels() {}

    /** The level of each logger the console sets ({@link #ROOT} for the root). */
    static Map<String, Level> console() {
        Map<String, Level> levels = new LinkedHashMap<>();
        levels.put(ROOT, Level.WARN);
        levels.put("dev.heartbeat", Level.toLevel(System.getProperty("hb.log.level"), Level.INFO));
        // A cluster node says when it finds a dead node and takes over its triggers.
        levels.put("org.quartz.impl.jdbcjobstore.JobStoreSupport", Level.INFO);
        // The MCP SDK's own logs repeat, with stack traces, what the agent reports about its servers in one line.
        levels.put("io.modelcontextprotocol", Level.ERROR);
        return levels;
    }

    /**
     * The level logback gives the logger {@code name} when {@code levels} are set: the nearest of its ancestors' (in
     * logback's hierarchy, whose names part at '.' and '$') that has one, else the root's.
     */
    static Level effective(Map<String, Level> levels, String name) {
        String n = name;
        while (true) {
            Level level = levels.get(n);
            if (level != null) {
                return level;
            }
            int part = Math.max(n.lastIndexOf('.'), n.lastIndexOf('$'));
            if (part < 0) {
                return levels.getOrDefault(ROOT, Level.DEBUG); // logback's root, when none is set
            }
            n = n.substring(0, part);
        }
    }
}
