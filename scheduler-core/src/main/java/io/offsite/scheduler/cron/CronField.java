package io.offsite.scheduler.cron;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/** One field of a cron expression: the set of values it allows, parsed from crontab syntax. */
final class CronField {

    private final String name;
    private final BitSet values;
    private final boolean unrestricted;

    private CronField(String name, BitSet values, boolean unrestricted) {
        this.name = name;
        this.values = values;
        this.unrestricted = unrestricted;
    }

    static CronField parse(String name, String text, int min, int max, List<String> names) {
        BitSet bits = new BitSet(max + 1);
        boolean star = false;
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw new InvalidCronException(name + " field '" + text + "' has an empty list element");
            }
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(name, part.substring(slash + 1), 1, max - min + 1, null, min);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
                star = true;
            } else {
                int dash = range.indexOf('-');
                if (dash > 0) {
                    from = number(name, range.substring(0, dash), min, max, names, min);
                    to = number(name, range.substring(dash + 1), min, max, names, min);
                    if (to < from) {
                        throw new InvalidCronException(name + " range '" + range + "' runs backwards");
                    }
                } else {
                    from = number(name, range, min, max, names, min);
                    to = slash >= 0 ? max : from;
                }
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return new CronField(name, bits, star);
    }

    private static int number(String field, String text, int min, int max, List<String> names, int base) {
        if (names != null) {
            int index = names.indexOf(text.toUpperCase(Locale.ROOT));
            if (index >= 0) {
                return index + base;
            }
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new InvalidCronException(field + " value " + value + " is outside " + min + "-" + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidCronException(field + " value '" + text + "' is not a number", e);
        }
    }

    boolean matches(int value) {
        return values.get(value);
    }

    /** The smallest allowed value at or above {@code value}, or -1. */
    int nextFrom(int value) {
        return values.nextSetBit(value);
    }

    boolean unrestricted() {
        return unrestricted;
    }

    /** Day of week fields accept 7 for Sunday; fold it onto 0. */
    CronField foldSunday() {
        if (values.get(7)) {
            BitSet copy = (BitSet) values.clone();
            copy.clear(7);
            copy.set(0);
            return new CronField(name, copy, unrestricted);
        }
        return this;
    }

    @Override
    public String toString() {
        return name + values;
    }
}
