package io.karst.datastore;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.CompactedException;
import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.FutureRevisionException;
import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.KeyRange;
import io.karst.api.datastore.KeyValue;
import io.karst.api.datastore.KeyValueStore;
import io.karst.api.datastore.Lease;
import io.karst.api.datastore.LeaseNotFoundException;
import io.karst.api.datastore.LeaseTimeToLive;
import io.karst.api.datastore.RangeResult;
import io.karst.api.datastore.Watch;
import io.karst.api.datastore.WatchEvent;
import io.karst.api.datastore.WatchListener;

/**
 * A {@link KeyValueStore} over one append-only SQL table (kine's design): each change appends a row whose id is
 * the store revision; reads pick each key's latest row at a revision; compaction deletes superseded rows. Reads
 * run on a small connection pool, writes on one {@link LogWriter} thread, watches are fed from that writer.
 */
public final class LogStructuredStore implements KeyValueStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogStructuredStore.class);
    /** etcd's limit: a lease cannot outlive this, and seconds times 10^9 still fits a long. */
    private static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private final Dialect dialect;
    private final StoreSettings settings;
    private final ReaderPool readers;
    private final LeaseSql leases;
    private final Compaction compaction;
    private final LogWrites writes;
    private final WatchHub watches;
    private final LogWriter writer;
    private final LogPoller poller;
    private final ScheduledExecutorService leaseExpiry;
    private final Object compacting = new Object();
    private volatile boolean closed;
    /** Whether ranges may skip the database's sort (see {@link Dialect#walksKeysInOrder()}). */
    private volatile boolean walkOrderTrusted;

    private LogStructuredStore(Dialect dialect, ConnectionSource connections, StoreSettings settings,
            SharedLogSettings shared, Connection writerConnection, long revision, long compacted) {
        this.dialect = dialect;
        this.settings = settings;
        this.readers = new ReaderPool(connections, dialect, settings.readConnections());
        this.compaction = new Compaction(compacted);
        this.leases = new LeaseSql(dialect);
        this.walkOrderTrusted = dialect.walksKeysInOrder();
        this.writes = new LogWrites(leases, compaction, dialect);
        String name = "karst-datastore-" + dialect.name();
        this.watches = new WatchHub(name + "-watch", revision, this::history, settings.watchThreads(),
                settings.watchBacklog());
        if (shared == null) {
            this.poller = null;
            this.writer = new LogWriter(name + "-writer", connections, dialect, writerConnection, revision,
                    settings.maxBatchSize(), false, watches::publish);
        } else {
            LogPoller logPoller = new LogPoller(name + "-poller", connections, dialect, shared, watches, compaction);
            this.poller = logPoller;
            // Another server may append between this server's rows, so only the poller, reading the log in
            // order, may publish; the writer waits for it to reach the batch's last revision.
            this.writer = new LogWriter(name + "-writer", connections, dialect, writerConnection, revision,
                    settings.maxBatchSize(), true, (committed, events) -> {
                        if (!events.isEmpty()) {
                            logPoller.awaitPublished(committed);
                        }
                    });
        }
        this.leaseExpiry = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name + "-leases");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.leaseCheckInterval().toMillis();
        leaseExpiry.scheduleWithFixedDelay(this::expireLeases, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the store: creates the schema if missing, then resumes from the log's revision, compaction and leases.
     *
     * @throws DatastoreUnavailableException when the database cannot be opened
     */
    public static LogStructuredStore open(Dialect dialect, ConnectionSource connections, StoreSettings settings) {
        return open(dialect, connections, settings, null);
    }

    /**
     * Opens the store on a database other servers may share: the dialect's schema lets the database generate
     * the revisions, and the log is polled for the other servers' writes.
     *
     * @throws DatastoreUnavailableException when the database cannot be opened
     */
    public static LogStructuredStore openShared(Dialect dialect, ConnectionSource connections,
            StoreSettings settings, SharedLogSettings shared) {
        return open(dialect, connections, settings, shared);
    }

    private static LogStructuredStore open(Dialect dialect, ConnectionSource connections, StoreSettings settings,
            SharedLogSettings shared) {
        Connection connection = null;
        try {
            connection = connections.open();
            try (Statement statement = connection.createStatement()) {
                for (String sql : dialect.prepareDatabase()) {
                    statement.execute(sql);
                }
            }
            dialect.configure(connection, true);
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : dialect.schema()) {
                    statement.execute(sql);
                }
            }
            connection.commit();
            long compacted = readMeta(connection, LogSql.COMPACTED_REVISION);
            // Compaction may have removed the newest rows (deletion markers), so the revision never goes back
            // below the compacted one.
            long revision = Math.max(compacted, queryLong(connection, LogSql.MAX_ID));
            connection.commit();
            addLeaseDeadlines(connection, dialect);
            LOG.info("Datastore {} opened at revision {} (compacted to {})", dialect.name(), revision, compacted);
            return new LogStructuredStore(dialect, connections, settings, shared, connection, revision, compacted);
        } catch (SQLException e) {
            if (connection != null) {
                ReaderPool.closeQuietly(connection);
            }
            throw new DatastoreUnavailableException("cannot open the " + dialect.name() + " datastore: "
                    + SqlErrors.describe(e), e);
        }
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        requireKey(key);
        long at = readRevision(revision);
        Optional<KeyValue> kv = readers.read(connection -> {
            PreparedStatement select = readers.statement(connection, LogSql.LATEST_AT);
            select.setString(1, key);
            select.setLong(2, at);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(LogRows.keyValue(rs)) : Optional.<KeyValue>empty();
            }
        });
        requireNotCompacted(at);
        return kv;
    }

    @Override
    public RangeResult range(KeyRange range, long revision, int limit, String continueFrom) {
        if (limit < 0) {
            throw new InvalidRequestException("limit must not be negative: " + limit);
        }
        long at = readRevision(revision);
        String from = continueFrom != null && KeyRange.compare(continueFrom, range.start()) > 0
                ? continueFrom : range.start();
        // "k\0" is the first key after "k": asking for keys after "k" keeps the NUL out of the SQL.
        boolean exclusive = from.endsWith("\0");
        String start = exclusive ? from.substring(0, from.length() - 1) : from;
        List<KeyValue> kvs = null;
        if (walkOrderTrusted) {
            kvs = rangePage(range, at, limit, start, exclusive, false);
            if (!inKeyOrder(kvs)) {
                LOG.warn("Datastore {}: a range came back out of key order; ranges are sorted by the database from "
                        + "now on", dialect.name());
                walkOrderTrusted = false;
                kvs = null;
            }
        }
        if (kvs == null) {
            kvs = rangePage(range, at, limit, start, exclusive, true);
        }
        requireNotCompacted(at);
        boolean more = limit > 0 && kvs.size() > limit;
        return new RangeResult(more ? kvs.subList(0, limit) : kvs, at, more);
    }

    @Override
    public long count(String prefix) {
        KeyRange range = KeyRange.prefix(prefix);
        long at = readRevision(0);
        return readers.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(LogSql.count(range))) {
                int i = bindRange(select, 1, range.start(), range.end());
                if (range.end() != null) {
                    select.setString(i++, range.end());
                }
                select.setLong(i, at);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public KeyValue create(String key, byte[] value, long leaseId) {
        requireWrite(key, value);
        return writer.execute(tx -> writes.create(tx, key, value, leaseId));
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision, long leaseId) {
        requireWrite(key, value);
        requireRevisionArgument(expectedModRevision);
        return writer.execute(tx -> writes.update(tx, key, value, expectedModRevision, leaseId));
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        requireKey(key);
        requireRevisionArgument(expectedModRevision);
        return writer.execute(tx -> writes.delete(tx, key, expectedModRevision));
    }

    @Override
    public CompletionStage<KeyValue> createAsync(String key, byte[] value, long leaseId) {
        try {
            requireWrite(key, value);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(tx -> writes.create(tx, key, value, leaseId));
    }

    @Override
    public CompletionStage<KeyValue> updateAsync(String key, byte[] value, long expectedModRevision, long leaseId) {
        try {
            requireWrite(key, value);
            requireRevisionArgument(expectedModRevision);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(tx -> writes.update(tx, key, value, expectedModRevision, leaseId));
    }

    @Override
    public CompletionStage<KeyValue> deleteAsync(String key, long expectedModRevision) {
        try {
            requireKey(key);
            requireRevisionArgument(expectedModRevision);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return writer.submit(tx -> writes.delete(tx, key, expectedModRevision));
    }

    @Override
    public void commitOnThisThread(Runnable writes) {
        writer.commitOnThisThread(writes);
    }

    @Override
    public Watch watch(KeyRange range, long fromRevision, WatchListener listener) {
        requireOpen();
        requireRevisionArgument(fromRevision);
        if (fromRevision != 0 && fromRevision <= compaction.floor()) {
            throw new CompactedException(fromRevision, compaction.floor());
        }
        return watches.watch(range, fromRevision, listener);
    }

    @Override
    public void compact(long revision) {
        requireOpen();
        synchronized (compacting) {
            long compacted = compaction.compacted();
            if (revision <= compacted) {
                throw new CompactedException(revision, compacted);
            }
            long current = watches.committedRevision();
            if (revision > current) {
                throw new FutureRevisionException(revision, current);
            }
            long started = System.nanoTime();
            writer.execute(tx -> {
                dialect.beforeCompaction(tx.connection());
                return null;
            });
            // In steps, each its own transaction between other writes, so a long-neglected history never
            // stalls the writer for the whole compaction.
            for (long from = compacted; from < revision;) {
                long to = Math.min(revision, from + settings.compactionStep());
                writer.execute(tx -> writes.compactStep(tx, to));
                from = to;
            }
            boolean more = true;
            while (more) {
                more = writer.execute(tx -> {
                    boolean left = dialect.reclaimSpace(tx.connection());
                    if (!left) {
                        tx.afterCommit(() -> {
                            try {
                                dialect.afterReclaim(tx.connection());
                            } catch (SQLException e) {
                                LOG.warn("Datastore could not shrink its files after compaction: {}", e.getMessage());
                            }
                        });
                    }
                    return left;
                });
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            compaction.finished(Instant.now(), took);
            LOG.debug("Datastore compacted to revision {} in {}", revision, took);
        }
    }

    @Override
    public long currentRevision() {
        return watches.committedRevision();
    }

    @Override
    public long compactedRevision() {
        return compaction.compacted();
    }

    @Override
    public Lease grantLease(long ttlSeconds) {
        requireOpen();
        if (ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new InvalidRequestException("lease TTL must be between 1 and " + MAX_TTL_SECONDS
                    + " seconds: " + ttlSeconds);
        }
        return writer.execute(tx -> writes.grant(tx, ttlSeconds));
    }

    @Override
    public void revokeLease(long leaseId) {
        requireOpen();
        writer.execute(tx -> writes.revoke(tx, leaseId));
    }

    @Override
    public Lease keepAlive(long leaseId) {
        requireOpen();
        return writer.execute(tx -> writes.keepAlive(tx, leaseId));
    }

    @Override
    public LeaseTimeToLive timeToLive(long leaseId, boolean withKeys) {
        requireOpen();
        long[] ttl = readers.read(connection -> {
            PreparedStatement select = readers.statement(connection, leases.timeToLive);
            select.setLong(1, leaseId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
            }
        });
        if (ttl == null) {
            throw new LeaseNotFoundException(leaseId);
        }
        List<String> keys = !withKeys ? List.of() : readers.read(connection -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(LogSql.LIVE_KEY_NAMES_OF_LEASE)) {
                select.setLong(1, leaseId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            return names;
        });
        // Whole seconds left, rounded down as etcd reports them.
        return new LeaseTimeToLive(leaseId, ttl[0], ttl[1] / 1000, keys);
    }

    @Override
    public List<Lease> leases() {
        requireOpen();
        return readers.read(connection -> {
            List<Lease> alive = new ArrayList<>();
            PreparedStatement select = readers.statement(connection, leases.alive);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    alive.add(new Lease(rs.getLong(1), rs.getLong(2)));
                }
            }
            return alive;
        });
    }

    @Override
    public DatastoreStatus status() {
        requireOpen();
        long revision = watches.committedRevision();
        long[] figures = readers.read(connection -> new long[] {queryLong(connection, LogSql.ROW_COUNT),
                dialect.sizeBytes(connection)});
        return new DatastoreStatus(revision, compaction.compacted(), figures[0], figures[1],
                compaction.lastFinished(), compaction.lastDuration());
    }

    /**
     * Why the store cannot serve from its database right now, or empty when it can, told from what the log poller
     * last saw rather than by a query. A store that is not shared has no poller, and says only whether it is
     * closed.
     */
    public Optional<String> problem() {
        if (closed) {
            return Optional.of("the datastore is closed");
        }
        return poller == null ? Optional.empty() : poller.problem();
    }

    /** Releases the writer, watch and lease threads and every connection. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leaseExpiry.shutdownNow();
        writer.close();
        if (poller != null) {
            poller.close();
        }
        watches.close();
        readers.close();
        LOG.info("Datastore {} closed at revision {}", dialect.name(), watches.committedRevision());
    }

    /** The recorded events of {@code [from, to]}; fails when compaction may have removed some of them. */
    private List<WatchEvent> history(KeyRange range, long from, long to, int limit) {
        List<WatchEvent> events = readers.read(connection -> {
            List<WatchEvent> page = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(LogSql.history(range))) {
                select.setLong(1, from);
                select.setLong(2, to);
                int i = bindRange(select, 3, range.start(), range.end());
                select.setInt(i, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        page.add(LogRows.event(rs));
                    }
                }
            }
            return page;
        });
        if (from <= compaction.floor()) {
            throw new CompactedException(from, compaction.floor());
        }
        return events;
    }

    /**
     * Expires the leases past their deadline. Every server sharing the database runs this; each lease is expired
     * by exactly one of them (see {@link LogWrites#expire}).
     */
    private void expireLeases() {
        try {
            List<Long> expired = readers.read(connection -> {
                List<Long> ids = new ArrayList<>();
                PreparedStatement select = readers.statement(connection, leases.expired);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            });
            for (long leaseId : expired) {
                writer.execute(tx -> writes.expire(tx, leaseId));
            }
        } catch (DatastoreException e) {
            // Tried again on the next check: an expired lease stays expired until its keys are gone.
            LOG.warn("Datastore could not expire leases: {}", e.getMessage());
        } catch (RuntimeException e) {
            // Whatever it was, the next check must still run: a scheduled task that throws is never run again.
            LOG.error("Datastore lease expiry failed", e);
        }
    }

    /**
     * Adds the deadline column to a database created before leases kept their deadline in it; its leases get a
     * full TTL from now, as they did on every start before. Another server may be doing the same at once.
     */
    private static void addLeaseDeadlines(Connection connection, Dialect dialect) throws SQLException {
        if (hasLeaseDeadlines(connection)) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(LeaseSql.ADD_DEADLINES);
            statement.executeUpdate(new LeaseSql(dialect).startDeadlines);
            connection.commit();
            LOG.info("Datastore {}: lease deadlines are now kept in the database", dialect.name());
        } catch (SQLException e) {
            connection.rollback();
            if (!hasLeaseDeadlines(connection)) {
                throw e;
            }
        }
    }

    private static boolean hasLeaseDeadlines(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(LeaseSql.HAS_DEADLINES).close();
            connection.commit();
            return true;
        } catch (SQLException missing) {
            connection.rollback();
            return false;
        }
    }

    private List<KeyValue> rangePage(KeyRange range, long at, int limit, String start, boolean exclusive,
            boolean ordered) {
        return readers.read(connection -> {
            List<KeyValue> page = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(LogSql.range(range, limit > 0, exclusive,
                    ordered))) {
                int i = bindRange(select, 1, start, range.end());
                if (range.end() != null) {
                    select.setString(i++, range.end());
                }
                select.setLong(i++, at);
                if (limit > 0) {
                    // One more than asked tells whether another page follows.
                    select.setInt(i, limit + 1);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        page.add(LogRows.keyValue(rs));
                    }
                }
            }
            return page;
        });
    }

    private static boolean inKeyOrder(List<KeyValue> kvs) {
        for (int i = 1; i < kvs.size(); i++) {
            if (KeyRange.compare(kvs.get(i - 1).key(), kvs.get(i).key()) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The revision a read is served at: the committed one for 0, else checked against history's bounds. */
    private long readRevision(long revision) {
        requireOpen();
        requireRevisionArgument(revision);
        if (revision == 0 && poller != null) {
            // Another server's write committed before this read must be visible to it, as in etcd.
            poller.awaitFreshPoll();
        }
        long current = watches.committedRevision();
        if (revision == 0) {
            return current;
        }
        if (revision > current) {
            throw new FutureRevisionException(revision, current);
        }
        requireNotCompacted(revision);
        return revision;
    }

    /** Reads at the compacted revision itself stay exact; anything before it is gone. */
    private void requireNotCompacted(long revision) {
        long floor = compaction.floor();
        if (revision < floor) {
            throw new CompactedException(revision, floor);
        }
    }

    private void requireWrite(String key, byte[] value) {
        requireKey(key);
        if (value == null) {
            throw new InvalidRequestException("value must not be null (use an empty array)");
        }
        if (value.length > settings.maxValueBytes()) {
            throw new InvalidRequestException("value of " + key + " is " + value.length + " bytes, over the maximum of "
                    + settings.maxValueBytes());
        }
    }

    private void requireKey(String key) {
        requireOpen();
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("key must not be empty");
        }
        // A lone surrogate has no UTF-8 form: it would be stored as '?' and collide with another key.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
            throw new InvalidRequestException("key is not valid Unicode: " + key);
        }
    }

    private static void requireRevisionArgument(long revision) {
        if (revision < 0) {
            throw new InvalidRequestException("revision must not be negative: " + revision);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new DatastoreUnavailableException("the datastore is closed");
        }
    }

    private static int bindRange(PreparedStatement statement, int index, String start, String end)
            throws SQLException {
        statement.setString(index++, start);
        if (end != null) {
            statement.setString(index++, end);
        }
        return index;
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static long readMeta(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LogSql.READ_META)) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
