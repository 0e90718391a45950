package io.offsite.backup.crypt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The header of an age file read without any key: the version line, the recipient stanzas and the MAC line. Proves the
 * object is an age file meant for X25519 recipients whose header is whole; it proves nothing about the payload (the MAC
 * and the chunks need the identity).
 *
 * @param stanzas the stanza types in order ({@code X25519}, …)
 * @param bytes   the header's length, MAC line included
 */
public record AgeHeader(List<String> stanzas, int bytes) {

    static final String VERSION_LINE = "age-encryption.org/v1";
    /** A header names a few recipients; a larger one is not Offsite's. */
    static final int MAX_BYTES = 64 * 1024;
    private static final Pattern BASE64_LINE = Pattern.compile("[A-Za-z0-9+/]{0,64}");
    private static final Pattern MAC = Pattern.compile("[A-Za-z0-9+/]{43}");

    /**
     * Reads the header from the start of {@code in} (which is left after it).
     *
     * @throws IOException naming what is wrong when it is not a whole age v1 header with at least one X25519 stanza
     */
    public static AgeHeader read(InputStream in) throws IOException {
        List<String> stanzas = new ArrayList<>();
        int[] read = {0};
        byte[] version = (VERSION_LINE + "\n").getBytes(StandardCharsets.US_ASCII);
        for (byte expected : version) {
            int b = in.read();
            read[0]++;
            if (b != expected) {
                throw new IOException("not an age file: it does not start with '" + VERSION_LINE + "'");
            }
        }
        String line = line(in, read);
        while (line.startsWith("-> ")) {
            String[] args = line.substring(3).split(" ");
            stanzas.add(args[0]);
            // body: base64 lines of 64 characters, ended by a shorter one (possibly empty)
            String body;
            do {
                body = line(in, read);
                if (!BASE64_LINE.matcher(body).matches()) {
                    throw new IOException("age header damaged: a stanza body line is not base64");
                }
            } while (body.length() == 64);
            line = line(in, read);
        }
        if (!line.startsWith("--- ") || !MAC.matcher(line.substring(4)).matches()) {
            throw new IOException("age header damaged: no MAC line after the recipient stanzas");
        }
        if (stanzas.isEmpty()) {
            throw new IOException("age header names no recipient");
        }
        if (!stanzas.contains("X25519")) {
            throw new IOException("age header names no X25519 recipient (only " + stanzas + ")");
        }
        return new AgeHeader(List.copyOf(stanzas), read[0]);
    }

    private static String line(InputStream in, int[] read) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("age header truncated after " + read[0] + " bytes");
            }
            if (++read[0] > MAX_BYTES) {
                throw new IOException("age header longer than " + MAX_BYTES + " bytes: not an age file Offsite wrote");
            }
            if (b == '\n') {
                return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            sb.append((char) b);
        }
    }
}
