package dev.cutover.store;

import dev.cutover.model.bundle.Bundle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** API tokens, stored as sha256 hashes: a stolen database gives no usable token. */
public final class Tokens {

    private Tokens() {}

    public static boolean any(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM tokens").mapTo(Integer.class).one() > 0;
    }

    public static void add(Handle h, String token, String role, Instant now) {
        h.createUpdate("INSERT INTO tokens (hash, role, created_at) VALUES (:h, :r, :at)")
                .bind("h", hash(token)).bind("r", role).bind("at", Rows.text(now)).execute();
    }

    /** The role of a token, if it is known. */
    public static Optional<String> role(Handle h, String token) {
        return h.createQuery("SELECT role FROM tokens WHERE hash = :h").bind("h", hash(token))
                .mapTo(String.class).findOne();
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(Bundle.sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
