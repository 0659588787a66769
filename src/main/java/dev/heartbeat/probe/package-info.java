/** Null-marked: a type without {@code @Nullable} is never null (checked by NullAway in the build). */
@NullMarked
package dev.heartbeat.probe;

import org.jspecify.annotations.NullMarked;
