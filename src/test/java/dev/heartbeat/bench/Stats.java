package dev.heartbeat.bench;

import java.util.Arrays;

/** Summary figures for a benchmark's samples. */
final class Stats {
    private Stats() {}

    static String summary(double[] samples, String unit) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return String.format(
                "n=%d  min %.2f %s  median %.2f %s  p90 %.2f %s  max %.2f %s",
                s.length, s[0], unit, percentile(s, 50), unit, percentile(s, 90), unit, s[s.length - 1], unit);
    }

    static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
