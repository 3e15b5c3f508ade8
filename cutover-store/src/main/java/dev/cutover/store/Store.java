package dev.cutover.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The controller's database: opened, migrated, and handed out as transactions. Repositories take the {@link Handle}
 * of the transaction they run in, so a caller composes several writes atomically.
 */
public final class Store implements AutoCloseable {

    public static final String FILE = "cutover.db";

    /**
     * Connections kept open: the control loop's and a few API requests' at once. Opening one per transaction cost the
     * idle control loop most of its CPU (a file opened, its pragmas set and its schema read ten times a second).
     */
    static final int CONNECTIONS = 4;

    private final Jdbi jdbi;
    private final Path file;
    private final HikariDataSource pool;

    private Store(Jdbi jdbi, Path file, HikariDataSource pool) {
        this.jdbi = jdbi;
        this.file = file;
        this.pool = pool;
    }

    /**
     * Opens (creating if needed) the embedded SQLite store in {@code dataDir} and brings its schema up to date.
     * IMMEDIATE transactions take the write lock at BEGIN, so concurrent read-modify-write transactions queue
     * instead of failing with SQLITE_BUSY_SNAPSHOT.
     */
    public static Store openEmbedded(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        // Set through SQLiteConfig: the data source passes its own defaults, which override URL parameters.
        SQLiteConfig config = new SQLiteConfig();
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration/sqlite")
                .mixed(true)
                .load()
                .migrate();
        HikariConfig pooled = new HikariConfig();
        pooled.setDataSource(ds);
        pooled.setPoolName("cutover-store");
        pooled.setMaximumPoolSize(CONNECTIONS);
        pooled.setMinimumIdle(1);
        HikariDataSource pool = new HikariDataSource(pooled);
        return new Store(Jdbi.create(pool), file, pool);
    }

    public <R> R tx(HandleCallback<R, RuntimeException> work) {
        return jdbi.inTransaction(work);
    }

    public <R> R read(HandleCallback<R, RuntimeException> work) {
        return jdbi.withHandle(work);
    }

    public Path file() {
        return file;
    }

    /** Closes the connections it keeps; transactions in progress finish first. */
    @Override
    public void close() {
        pool.close();
    }
}
