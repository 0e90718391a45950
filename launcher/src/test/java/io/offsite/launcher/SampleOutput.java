package io.offsite.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Compares a sample output printed in the README with what a command printed, line by line, after replacing what
 * differs from one run to the next — and only that — with a placeholder, on both sides alike:
 * <ul>
 *   <li>instants ({@code 2026-11-22T07:10:00.123Z}, the key form {@code 2026-11-22T07-10-00.123Z}, and
 *       {@code 2026-11-22 07:10:03} as the AWS CLI lists) → {@code <time>};</li>
 *   <li>hashes: 64 hex digits (SHA-256), or the 12 that stand for one before {@code …} → {@code <hex>};</li>
 *   <li>sizes ({@code 2.3 MB}, {@code 2454062 bytes}) → {@code <size>}, and bare byte counts where
 *       they are named as such: {@code …_bytes = N}, the size column of {@code aws s3 ls};</li>
 *   <li>durations and ages ({@code 3.6 s}, {@code 240 ms}, {@code 45s}, {@code 1m}, {@code 1h 3m}) → {@code <duration>},
 *       and the percentage of a reduction → {@code <n>%}.</li>
 * </ul>
 * Runs of blanks count as one (column widths follow the values) and trailing blanks are ignored. Anything else — a
 * word, a count, a line added, removed or moved — is a difference.
 */
final class SampleOutput {

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            rule("\\d{4}-\\d{2}-\\d{2}T\\d{2}[:-]\\d{2}[:-]\\d{2}(?:\\.\\d{1,9})?Z", "<time>"),
            rule("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}", "<time>"),
            rule("(?<![0-9A-Za-z])(?:[0-9a-f]{64}|[0-9a-f]{12}(?=…))(?![0-9A-Za-z])", "<hex>"),
            rule("\\b\\d+(?:\\.\\d+)? (?:B|KB|MB|GB|TB|bytes)\\b", "<size>"),
            rule("(_bytes = )\\d+\\b", "$1<size>"),
            rule("^(<time> +)\\d+ ", "$1<size> "),
            rule("\\b\\d+[dh] \\d+[hm]\\b", "<duration>"),
            rule("\\b\\d+(?:\\.\\d+)? ?(?:ms|s|m|h|d)\\b", "<duration>"),
            rule("\\b\\d+%", "<n>%"));

    private SampleOutput() {
    }

    private static Rule rule(String regex, String replacement) {
        return new Rule(Pattern.compile(regex), replacement);
    }

    /** A line with what varies between runs replaced by placeholders. */
    static String normalise(String line) {
        String s = line;
        for (Rule rule : RULES) {
            s = rule.pattern().matcher(s).replaceAll(rule.replacement());
        }
        return s.replaceAll("[ \\t]+", " ").strip();
    }

    /**
     * What a terminal shows of a command's output: of a line rewritten in place with carriage returns (progress
     * counters), its last state; no trailing empty lines.
     */
    static List<String> asShown(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            lines.add(text.substring(text.lastIndexOf('\r') + 1).stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /**
     * Empty when {@code actual} matches {@code expected} line for line once normalised; otherwise a description of the
     * first difference, followed by both outputs.
     */
    static Optional<String> difference(List<String> expected, List<String> actual) {
        List<String> want = expected.stream().map(SampleOutput::normalise).toList();
        List<String> got = actual.stream().map(SampleOutput::normalise).toList();
        if (want.equals(got)) {
            return Optional.empty();
        }
        int i = 0;
        while (i < want.size() && i < got.size() && want.get(i).equals(got.get(i))) {
            i++;
        }
        String what;
        if (i >= got.size()) {
            what = "line " + (i + 1) + " of the sample is missing from the output: " + expected.get(i);
        } else if (i >= want.size()) {
            what = "the output has a line " + (i + 1) + " the sample lacks: " + actual.get(i);
        } else {
            what = "line " + (i + 1) + " differs:\n  sample:     " + want.get(i) + "\n  printed:    " + got.get(i);
        }
        return Optional.of(what + "\n--- sample (" + expected.size() + " lines)\n" + String.join("\n", expected)
                + "\n--- printed (" + actual.size() + " lines)\n" + String.join("\n", actual));
    }
}
