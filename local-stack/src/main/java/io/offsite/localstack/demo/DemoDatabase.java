package io.offsite.localstack.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;

/**
 * Generates the demo data store: a SQLite database shaped like the original's Pokémon TCG catalogue
 * ({@code sets} and {@code pokemon_cards}, with JSON text columns), deterministic for a given seed.
 *
 * <p>The default is the original's size (150 sets, 15,000 cards, ~20 MB); benchmarks use the same shape with
 * 1,000,000 cards (~1.4 GB).
 */
public final class DemoDatabase {

    public static final int DEFAULT_SETS = 150;
    public static final int DEFAULT_CARDS = 15_000;

    private static final String[] SUPERTYPES = {"Pokémon", "Pokémon", "Pokémon", "Trainer", "Energy"};
    private static final String[] TYPES = {"Grass", "Fire", "Water", "Lightning", "Psychic", "Fighting", "Darkness", "Metal", "Dragon", "Colorless", "Fairy"};
    private static final String[] RARITIES = {"Common", "Uncommon", "Rare", "Rare Holo", "Rare Ultra", "Rare Secret", "Promo"};
    private static final String[] SERIES = {"Base", "Gym", "Neo", "EX", "Diamond & Pearl", "Platinum", "HeartGold & SoulSilver", "Black & White", "XY", "Sun & Moon", "Sword & Shield", "Scarlet & Violet"};
    private static final String[] SYLLABLES = {"char", "bul", "squir", "pi", "ka", "mew", "tle", "saur", "zard", "chu", "gar", "don", "ee", "vee", "ly", "ra", "ion", "dos", "geo", "mag", "nite", "ta", "ro", "bat"};
    private static final String[] WORDS = {"energy", "attack", "damage", "opponent", "bench", "coin", "flip", "heads", "tails", "discard", "card", "turn", "Pokémon", "active", "prize", "deck", "hand", "counter", "weakness", "resistance", "retreat", "ability", "evolve"};

    private DemoDatabase() {
    }

    /** Creates the database with the original's size unless the file already exists. */
    public static boolean createIfMissing(Path file) {
        if (Files.exists(file)) {
            return false;
        }
        create(file, DEFAULT_SETS, DEFAULT_CARDS, 42L);
        return true;
    }

    /** Creates (replacing) a database at {@code file} with {@code sets} sets and {@code cards} cards. */
    public static void create(Path file, int sets, int cards, long seed) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".generating");
            Files.deleteIfExists(tmp);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp)) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=OFF");
                    s.execute(SCHEMA_SETS);
                    s.execute(SCHEMA_CARDS);
                    s.execute("CREATE INDEX idx_cards_set ON pokemon_cards(set_id)");
                }
                c.setAutoCommit(false);
                Random random = new Random(seed);
                Instant base = Instant.parse("2025-01-01T00:00:00Z");
                insertSets(c, sets, random, base);
                insertCards(c, cards, sets, random, base);
                c.commit();
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-wal"));
            Files.deleteIfExists(tmp.resolveSibling(tmp.getFileName() + "-shm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create demo database " + file + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create demo database " + file + ": " + e.getMessage(), e);
        }
    }

    public static final String SCHEMA_SETS = """
            CREATE TABLE sets (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              series TEXT NOT NULL,
              printed_total INTEGER,
              total INTEGER,
              legalities TEXT,
              ptcgo_code TEXT,
              release_date TEXT,
              images TEXT,
              updated_at TEXT NOT NULL
            )""";

    public static final String SCHEMA_CARDS = """
            CREATE TABLE pokemon_cards (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              supertype TEXT NOT NULL,
              subtypes TEXT,
              hp INTEGER,
              types TEXT,
              evolves_from TEXT,
              attacks TEXT,
              weaknesses TEXT,
              retreat_cost TEXT,
              set_id TEXT NOT NULL REFERENCES sets(id),
              number TEXT NOT NULL,
              artist TEXT,
              rarity TEXT,
              flavor_text TEXT,
              national_pokedex_numbers TEXT,
              legalities TEXT,
              images TEXT,
              market_price REAL,
              updated_at TEXT NOT NULL
            )""";

    private static void insertSets(Connection c, int sets, Random random, Instant base) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sets VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            for (int i = 0; i < sets; i++) {
                String id = setId(i);
                int total = 60 + random.nextInt(200);
                ps.setString(1, id);
                ps.setString(2, capitalize(name(random)) + " " + (i + 1));
                ps.setString(3, SERIES[i * SERIES.length / Math.max(1, sets)]);
                ps.setInt(4, total - random.nextInt(10));
                ps.setInt(5, total);
                ps.setString(6, "{\"unlimited\":\"Legal\",\"expanded\":\"" + (random.nextBoolean() ? "Legal" : "Banned") + "\"}");
                ps.setString(7, id.toUpperCase().substring(0, Math.min(3, id.length())));
                ps.setString(8, LocalDate.of(1999, 1, 9).plusDays(i * 55L).toString());
                ps.setString(9, "{\"symbol\":\"https://images.example.invalid/" + id + "/symbol.png\",\"logo\":\"https://images.example.invalid/" + id + "/logo.png\"}");
                ps.setString(10, base.plusSeconds(i).toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertCards(Connection c, int cards, int sets, Random random, Instant base) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pokemon_cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (int i = 0; i < cards; i++) {
                int set = i % Math.max(1, sets);
                String setId = setId(set);
                String number = String.valueOf(i / Math.max(1, sets) + 1);
                String supertype = SUPERTYPES[random.nextInt(SUPERTYPES.length)];
                String name = capitalize(name(random));
                boolean pokemon = supertype.startsWith("Pok");
                String type = TYPES[random.nextInt(TYPES.length)];
                ps.setString(1, setId + "-" + number);
                ps.setString(2, name);
                ps.setString(3, supertype);
                ps.setString(4, pokemon ? "[\"" + (random.nextInt(3) == 0 ? "Stage 1" : "Basic") + "\"]" : "[\"Item\"]");
                if (pokemon) {
                    ps.setInt(5, 30 + 10 * random.nextInt(25));
                } else {
                    ps.setNull(5, java.sql.Types.INTEGER);
                }
                ps.setString(6, pokemon ? "[\"" + type + "\"]" : null);
                ps.setString(7, pokemon && random.nextInt(3) == 0 ? capitalize(name(random)) : null);
                ps.setString(8, pokemon ? attacks(random, type) : null);
                ps.setString(9, pokemon ? "[{\"type\":\"" + TYPES[random.nextInt(TYPES.length)] + "\",\"value\":\"×2\"}]" : null);
                ps.setString(10, pokemon ? "[\"Colorless\",\"Colorless\"]" : null);
                ps.setString(11, setId);
                ps.setString(12, number);
                ps.setString(13, capitalize(name(random)) + " " + capitalize(name(random)));
                ps.setString(14, RARITIES[random.nextInt(RARITIES.length)]);
                ps.setString(15, sentence(random, 12 + random.nextInt(20)));
                ps.setString(16, pokemon ? "[" + (1 + random.nextInt(1025)) + "]" : null);
                ps.setString(17, "{\"unlimited\":\"Legal\",\"expanded\":\"Legal\",\"standard\":\"" + (random.nextBoolean() ? "Legal" : "Not Legal") + "\"}");
                ps.setString(18, "{\"small\":\"https://images.example.invalid/" + setId + "/" + number + ".png\",\"large\":\"https://images.example.invalid/" + setId + "/" + number + "_hires.png\"}");
                ps.setDouble(19, Math.round(random.nextDouble() * 50000) / 100.0);
                ps.setString(20, base.plusSeconds(sets + i).toString());
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    static String setId(int index) {
        return "set" + index;
    }

    private static String attacks(Random random, String type) {
        StringBuilder sb = new StringBuilder("[");
        int n = 1 + random.nextInt(2);
        for (int a = 0; a < n; a++) {
            if (a > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":\"").append(capitalize(name(random))).append(' ').append(capitalize(name(random)))
                    .append("\",\"cost\":[\"").append(type).append("\",\"Colorless\"],\"convertedEnergyCost\":2,\"damage\":\"")
                    .append(10 * (1 + random.nextInt(12))).append("\",\"text\":\"").append(sentence(random, 15 + random.nextInt(25)))
                    .append("\"}");
        }
        return sb.append(']').toString();
    }

    private static String name(Random random) {
        StringBuilder sb = new StringBuilder();
        int parts = 2 + random.nextInt(2);
        for (int i = 0; i < parts; i++) {
            sb.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        return sb.toString();
    }

    private static String sentence(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(random.nextInt(9) == 0 ? String.valueOf(10 * random.nextInt(20)) : WORDS[random.nextInt(WORDS.length)]);
        }
        return capitalize(sb.toString()) + ".";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Generates a database from the command line: {@code DemoDatabase <file> [cards] [sets]}. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DemoDatabase <file> [cards=" + DEFAULT_CARDS + "] [sets=" + DEFAULT_SETS + "]");
            System.exit(2);
        }
        int cards = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_CARDS;
        int sets = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_SETS;
        long start = System.nanoTime();
        create(Path.of(args[0]), sets, cards, 42L);
        System.out.printf("created %s with %d sets and %d cards in %.1f s%n", args[0], sets, cards, (System.nanoTime() - start) / 1e9);
    }
}
