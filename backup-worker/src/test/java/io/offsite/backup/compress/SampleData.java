package io.offsite.backup.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Deterministic test inputs. */
final class SampleData {

    static final int PAGE_SIZE = 4096;

    private static final String[] NAMES = {
        "Charizard ex", "Pikachu", "Gardevoir ex", "Miraidon ex", "Iron Valiant", "Rare Candy",
        "Professor's Research", "Arven", "Lugia VSTAR", "Chien-Pao ex", "Baxcalibur", "Snorlax"};
    private static final String[] SETS = {
        "Obsidian Flames", "Paldea Evolved", "Scarlet & Violet", "Paradox Rift", "Temporal Forces"};
    private static final String[] RARITIES = {"Common", "Uncommon", "Rare", "Double Rare", "Illustration Rare"};

    private SampleData() {
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** Repetitive text, compressing about 10:1. */
    static byte[] compressible(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(size + 256);
        while (text.length() < size) {
            text.append(row(random)).append('\n');
        }
        return text.substring(0, size).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes {@code size} bytes shaped like SQLite table pages: a binary page header and cell pointer
     * array, records of JSON-ish card rows with binary record headers, some binary blobs and free space.
     */
    static void writeSqliteLike(OutputStream out, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] page = new byte[PAGE_SIZE];
        long written = 0;
        long pageNumber = 0;
        while (written < size) {
            fillPage(page, random, pageNumber++);
            int n = (int) Math.min(page.length, size - written);
            out.write(page, 0, n);
            written += n;
        }
    }

    private static void fillPage(byte[] page, SplittableRandom random, long pageNumber) {
        java.util.Arrays.fill(page, (byte) 0);
        page[0] = 0x0d; // leaf table b-tree page
        int cells = 0;
        int contentStart = PAGE_SIZE;
        int pointerEnd = 8;
        while (true) {
            byte[] cell = cell(random, pageNumber);
            if (contentStart - cell.length < pointerEnd + 2 + 64) {
                break; // leave some free space, as real pages do
            }
            contentStart -= cell.length;
            System.arraycopy(cell, 0, page, contentStart, cell.length);
            page[pointerEnd] = (byte) (contentStart >>> 8);
            page[pointerEnd + 1] = (byte) contentStart;
            pointerEnd += 2;
            cells++;
        }
        page[3] = (byte) (cells >>> 8);
        page[4] = (byte) cells;
        page[5] = (byte) (contentStart >>> 8);
        page[6] = (byte) contentStart;
    }

    private static byte[] cell(SplittableRandom random, long pageNumber) {
        byte[] text = row(random).getBytes(StandardCharsets.UTF_8);
        int blob = random.nextInt(10) == 0 ? 16 + random.nextInt(200) : 0; // an image hash, a packed array
        byte[] cell = new byte[8 + text.length + blob];
        cell[0] = (byte) (text.length >>> 8);
        cell[1] = (byte) text.length;
        long rowId = pageNumber * 16 + random.nextInt(16);
        for (int i = 0; i < 6; i++) {
            cell[2 + i] = (byte) (rowId >>> (8 * i)); // a record header in varints
        }
        System.arraycopy(text, 0, cell, 8, text.length);
        for (int i = 0; i < blob; i++) {
            cell[8 + text.length + i] = (byte) random.nextInt(256);
        }
        return cell;
    }

    private static String row(SplittableRandom random) {
        int number = random.nextInt(1, 260);
        String set = SETS[random.nextInt(SETS.length)];
        return "{\"id\":\"sv" + random.nextInt(1, 9) + "-" + number + "\""
                + ",\"name\":\"" + NAMES[random.nextInt(NAMES.length)] + "\""
                + ",\"hp\":" + 10 * random.nextInt(3, 34)
                + ",\"set\":\"" + set + "\",\"number\":\"" + number + "/" + (180 + random.nextInt(80)) + "\""
                + ",\"rarity\":\"" + RARITIES[random.nextInt(RARITIES.length)] + "\""
                + ",\"price\":" + random.nextInt(1, 20000) / 100.0
                + ",\"updated\":\"2025-0" + random.nextInt(1, 10) + "-1" + random.nextInt(10)
                + "T0" + random.nextInt(10) + ":" + (10 + random.nextInt(50)) + ":00Z\"}";
    }
}
