package io.offsite.launcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's marked code blocks. {@code <!-- example: NAME -->} on the line before a fenced block marks commands to
 * run; {@code <!-- output: NAME -->} marks what they print. A marker may be indented (inside a list item); the block's
 * lines lose the indentation of its fence.
 */
final class ReadmeExamples {

    static final Pattern MARKER = Pattern.compile("^(\\s*)<!-- (example|output): ([a-z0-9-]+) -->\\s*$");

    /** A marked block: the lines between its fences, which are lines {@code open} and {@code close} of the README (0-based). */
    record Block(String kind, String name, int open, int close, String indent, List<String> lines) {

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    private final List<String> readme;
    private final Map<String, Block> examples = new LinkedHashMap<>();
    private final Map<String, Block> outputs = new LinkedHashMap<>();

    private ReadmeExamples(String text) {
        this.readme = Arrays.asList(text.split("\n", -1));
        for (int i = 0; i < readme.size(); i++) {
            Matcher m = MARKER.matcher(readme.get(i));
            if (!m.matches()) {
                continue;
            }
            String kind = m.group(2);
            String name = m.group(3);
            int open = i + 1;
            while (open < readme.size() && readme.get(open).isBlank()) {
                open++;
            }
            if (open >= readme.size() || !readme.get(open).strip().startsWith("```")) {
                throw new IllegalStateException("README line " + (i + 1) + ": '" + kind + ": " + name + "' is not followed by a fenced code block");
            }
            String fence = readme.get(open);
            String indent = fence.substring(0, fence.indexOf('`'));
            int close = open + 1;
            while (close < readme.size() && !readme.get(close).strip().equals("```")) {
                close++;
            }
            if (close >= readme.size()) {
                throw new IllegalStateException("README line " + (open + 1) + ": the code block of '" + kind + ": " + name + "' is not closed");
            }
            List<String> lines = new ArrayList<>();
            for (String line : readme.subList(open + 1, close)) {
                lines.add(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading());
            }
            Block block = new Block(kind, name, open, close, indent, List.copyOf(lines));
            Map<String, Block> blocks = kind.equals("example") ? examples : outputs;
            if (blocks.put(name, block) != null) {
                throw new IllegalStateException("README line " + (i + 1) + ": a second '" + kind + ": " + name + "'");
            }
            i = close;
        }
    }

    static ReadmeExamples parse(String text) {
        return new ReadmeExamples(text);
    }

    Map<String, Block> examples() {
        return examples;
    }

    Map<String, Block> outputs() {
        return outputs;
    }

    Block example(String name) {
        return find(examples, "example", name);
    }

    Block output(String name) {
        return find(outputs, "output", name);
    }

    private static Block find(Map<String, Block> blocks, String kind, String name) {
        Block block = blocks.get(name);
        if (block == null) {
            throw new IllegalStateException("the README has no block marked '<!-- " + kind + ": " + name + " -->' (it has " + blocks.keySet() + ")");
        }
        return block;
    }

    /** The README text with the lines of one marked block replaced (indented like its fence). */
    String withBlock(Block block, List<String> lines) {
        List<String> result = new ArrayList<>(readme.subList(0, block.open() + 1));
        for (String line : lines) {
            result.add(line.isEmpty() ? "" : block.indent() + line);
        }
        result.addAll(readme.subList(block.close(), readme.size()));
        return String.join("\n", result);
    }
}
