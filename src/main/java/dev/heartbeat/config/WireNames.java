package dev.heartbeat.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Reads the names agent.yaml gives enum values, with the error a user can act on. */
final class WireNames {
    private WireNames() {}

    /**
     * The value whose wire name is {@code name}; otherwise an error naming the closest one and all of
     * them, which the loader reports with the key and the line.
     */
    static <E extends Enum<E>> E parse(E[] values, Function<E, String> wire, String name, String what) {
        for (E e : values) {
            if (wire.apply(e).equals(name)) {
                return e;
            }
        }
        List<String> names = Arrays.stream(values).map(wire).toList();
        // YAML 1.1 reads unquoted yes/no/on/off as booleans, which reach here as "true"/"false".
        String yaml = name.equals("true") || name.equals("false")
                ? " (YAML reads an unquoted yes, no, on or off as " + name + ")"
                : "";
        throw new IllegalArgumentException("unknown " + what + " '" + name + "'" + yaml + "."
                + ConfigLoader.didYouMean(name, names) + " Use one of: " + String.join(", ", names) + ".");
    }
}
