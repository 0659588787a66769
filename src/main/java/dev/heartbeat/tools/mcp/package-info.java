/**
 * MCP servers as tool sources, through the official MCP Java SDK: each configured server started (or
 * reached) once, its tools offered as {@code SERVER__TOOL} under the same policy as the built-ins, restarted
 * with backoff when it dies, and stopped with the agent.
 */
@NullMarked
package dev.heartbeat.tools.mcp;

import org.jspecify.annotations.NullMarked;
