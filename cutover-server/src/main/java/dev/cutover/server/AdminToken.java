package dev.cutover.server;

import dev.cutover.store.Store;
import dev.cutover.store.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The admin token made on a server's first start. The store keeps only its hash; the token itself goes to
 * {@code DATA/admin.token} (owner-only) so the operator can always find it again.
 */
final class AdminToken {

    static final String FILE = "admin.token";

    private AdminToken() {}

    /** Returns the admin token, making one when the store has none. */
    static String ensure(Store store, Path dataDir, Instant now) throws IOException {
        Path file = dataDir.resolve(FILE);
        boolean any = store.read(Tokens::any);
        if (any && Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        if (any) {
            throw new IOException("the store has API tokens but " + file + " is missing; restore it from a backup,"
                    + " or use a token you kept");
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = "cut_" + HexFormat.of().formatHex(raw);
        Files.writeString(Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), token + "\n");
        store.tx(h -> {
            Tokens.add(h, token, "admin", now);
            return null;
        });
        return token;
    }
}
