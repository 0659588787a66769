/**
 * What the lean provider clients share: giving a request or an answer up to LangChain4j's mapper ({@link
 * dev.heartbeat.model.wire.Decline}), plain values written with Jackson's generator, fields read from a tree, the HTTP
 * client they send with.
 * Null-marked: a type without {@code @Nullable} is never null (checked by NullAway in the build).
 */
@NullMarked
package dev.heartbeat.model.wire;

import org.jspecify.annotations.NullMarked;
