package dev.heartbeat.bench;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Summary figures for a benchmark's samples. */
final class Stats {
    private Stats() {}

    /** A sorted copy of {@code samples}. */
    static double[] sorted(double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        return s;
    }

    static String summary(double[] samples, String unit) {
        double[] s = sorted(samples);
        return String.format(
                "n=%d  min %.2f %s  median %.2f %s  p90 %.2f %s  max %.2f %s",
                s.length, s[0], unit, percentile(s, 50), unit, percentile(s, 90), unit, s[s.length - 1], unit);
    }

    static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The middle sample, or the mean of the two middle ones. */
    static double median(double[] samples) {
        double[] s = sorted(samples);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The number {@code pattern}'s first group finds in {@code text} (a GNU time report's field, say). */
    static double number(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in " + text);
        }
        return Double.parseDouble(m.group(1));
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
