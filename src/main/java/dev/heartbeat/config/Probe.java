package dev.heartbeat.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One entry of {@code probes:}: a cheap, deterministic check run at the start of every beat, before any model
 * call. It reads one thing: a command's output ({@code command}, argv, no shell), a URL ({@code http}, with an
 * optional {@code json-path} into the answer), a workspace file ({@code file}) or a key of the agent's state
 * ({@code state}). {@code every}: run at most this often (the last result stands in between); {@code when}:
 * {@code output matches 'REGEX'} or {@code output contains 'TEXT'} — the probe then wakes the model while that
 * holds, instead of when its result changes.
 */
public record Probe(
        String name,
        @Nullable List<String> command,
        @Nullable String http,
        @Nullable String jsonPath,
        @Nullable String file,
        @Nullable String state,
        @Nullable Duration every,
        @Nullable String when) {

    /** What a probe reads. */
    public enum Kind {
        COMMAND,
        HTTP,
        FILE,
        STATE
    }

    private static final Pattern CONDITION =
            Pattern.compile("\\s*output\\s+(matches|contains)\\s+'(.*)'\\s*", Pattern.DOTALL);

    /** The kind this probe is; the checks made sure exactly one source is set. */
    public Kind kind() {
        if (command != null) {
            return Kind.COMMAND;
        }
        if (http != null) {
            return Kind.HTTP;
        }
        if (file != null) {
            return Kind.FILE;
        }
        return Kind.STATE;
    }

    /** What it reads, as the record and the prompt name it. */
    public String source() {
        return switch (kind()) {
            case COMMAND -> String.join(" ", command == null ? List.of() : command);
            case HTTP -> http + (jsonPath == null ? "" : " " + jsonPath);
            case FILE -> String.valueOf(file);
            case STATE -> "state key " + state;
        };
    }

    /**
     * The {@code when} condition as a pattern found anywhere in the output; empty without one.
     *
     * @throws IllegalArgumentException when it is not one of the two forms, or its pattern does not compile
     */
    public Optional<Pattern> condition() {
        if (when == null) {
            return Optional.empty();
        }
        Matcher m = CONDITION.matcher(when);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + when + "' is not a condition; write output matches 'REGEX' or " + "output contains 'TEXT'");
        }
        if (m.group(1).equals("contains")) {
            return Optional.of(Pattern.compile(Pattern.quote(m.group(2))));
        }
        try {
            return Optional.of(Pattern.compile(m.group(2)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "'" + m.group(2) + "' is not a regular expression: " + e.getDescription());
        }
    }
}
