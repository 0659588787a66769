/** Null-marked: a type without {@code @Nullable} is never null (checked by NullAway in the build). */
@NullMarked
package dev.heartbeat.logging;

import org.jspecify.annotations.NullMarked;
