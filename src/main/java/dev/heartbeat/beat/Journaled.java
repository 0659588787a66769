package dev.heartbeat.beat;

import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * A list of what a running beat did that puts each item on record in the store before it is added: the
 * decision of a beat killed midway can then show what it did, and its tokens still count. Once an item is
 * on record, {@code recorded} hears of it (the beat's listeners).
 */
final class Journaled<T> extends ArrayList<T> {
    private final Store store;
    private final String beatId;
    private final String kind;
    private final Consumer<T> recorded;

    Journaled(Store store, String beatId, String kind, Consumer<T> recorded) {
        this.store = store;
        this.beatId = beatId;
        this.kind = kind;
        this.recorded = recorded;
    }

    @Override
    public boolean add(T item) {
        store.intents().recordBeatEvent(beatId, kind, Json.write(item));
        super.add(item);
        recorded.accept(item);
        return true;
    }

    @Override
    public boolean addAll(Collection<? extends T> items) {
        items.forEach(this::add);
        return !items.isEmpty();
    }
}
