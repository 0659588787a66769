package dev.heartbeat.support;

import org.jspecify.annotations.Nullable;

/** A failure's chain of causes, as the JDK, the drivers and the SDKs wrap one failure in another. */
public final class Causes {
    private Causes() {}

    /** The first of {@code e} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> @Nullable T find(@Nullable Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The innermost cause: what went wrong, under whatever wrapped it ({@code e} itself when nothing did). */
    public static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
