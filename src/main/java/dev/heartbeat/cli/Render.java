package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.support.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for what people read: tables, times, folded text. */
final class Render {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx");

    private Render() {}

    static String time(OffsetDateTime t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String duration(OffsetDateTime from, OffsetDateTime to) {
        if (from == null || to == null) {
            return "-";
        }
        long ms = Duration.between(from, to).toMillis();
        return ms < 1000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** A probe's finding in a few words: its name, then changed, unchanged, its condition, or its failure. */
    static String probe(Decision.ProbeRecord p) {
        String state = p.error() != null
                ? "failed: " + fold(p.error(), 120)
                : p.holds() != null
                        ? (p.holds() ? "condition holds" : "condition does not hold")
                        : p.changed() ? "changed" : "unchanged";
        return p.name() + " " + state + (p.ran() ? "" : " (not due; last result)");
    }

    static String fold(String text, int max) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > max ? oneLine.substring(0, Math.max(0, max - 3)) + "..." : oneLine;
    }

    static void json(PrintWriter out, Object value) {
        out.println(Json.pretty(value));
        out.flush();
    }

    /** A plain table: columns padded to their widest cell, the last column left free. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(i == row.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
