package dev.heartbeat.model.wire;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A value made by {@code make} the first time it is asked for, once, whichever thread asks first. */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> make;
    private volatile @Nullable T value;

    public Lazy(Supplier<T> make) {
        this.make = make;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = make.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
