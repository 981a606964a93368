package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.WatchEvent;

/**
 * Feeds the watches of a store whose log other servers append to: reads the rows after the last published
 * revision, in id order, and publishes them strictly one revision after another. A missing revision belongs to a
 * transaction that took an id and has not committed (or never will); publishing past it could lose that write
 * for good, so the poller waits for it, and after {@link SharedLogSettings#gapTimeout()} fills it (see
 * {@link LogGaps}): the fill waits for a transaction still holding the id, so it never skips a late write. Local writes nudge the poller and wait for it, so they are published with no polling delay
 * and a caller's next read at the current revision sees its own write.
 */
final class LogPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogPoller.class);
    /** How soon a gap is looked at again: most gaps are a concurrent commit a few milliseconds away. */
    private static final long GAP_RECHECK_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    /**
     * A poll runs every {@link SharedLogSettings#pollInterval()}; none finishing for this long means a read hangs
     * on a database that stopped answering without closing its connections.
     */
    private static final Duration STALLED_AFTER = Duration.ofSeconds(10);

    private final ConnectionSource source;
    private final Dialect dialect;
    private final SharedLogSettings settings;
    private final WatchHub hub;
    private final Compaction compaction;
    private final Thread thread;
    private final Object signal = new Object();
    /** The revision published to the watches; guarded by {@link #signal}. */
    private long published;
    private boolean nudged;
    /** Polls begun and finished; guarded by {@link #signal}. A read barrier waits for a poll begun after it. */
    private long pollsStarted;
    private long pollsFinished;
    private volatile boolean closed;
    private volatile boolean failing;
    /** Why the last poll failed, while {@link #failing}. */
    private volatile String failure;
    /** When the last poll finished without error, in {@link System#nanoTime()}. */
    private volatile long lastReadNanos = System.nanoTime();
    private Connection connection;
    private long gap;
    private long gapSince;

    LogPoller(String name, ConnectionSource source, Dialect dialect, SharedLogSettings settings, WatchHub hub,
            Compaction compaction) {
        this.source = source;
        this.dialect = dialect;
        this.settings = settings;
        this.hub = hub;
        this.compaction = compaction;
        this.published = hub.committedRevision();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Waits until the revision is published to the watches, at most {@link SharedLogSettings#catchUpTimeout()}.
     * Called by the writer after its commit.
     */
    void awaitPublished(long revision) {
        long deadline = System.nanoTime() + settings.catchUpTimeout().toNanos();
        synchronized (signal) {
            nudged = true;
            signal.notifyAll();
            while (published < revision && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("Datastore revision {} committed but not yet seen by the log poller after {}", revision,
                            settings.catchUpTimeout());
                    return;
                }
                try {
                    signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * A read barrier: waits until a poll that began after this call has published, so a read at the current
     * revision sees every write any server committed before the read began (except one behind a gap still
     * being waited for). Concurrent readers share that one poll. Returns at once while the database is down;
     * the read then reports that itself.
     */
    void awaitFreshPoll() {
        long deadline = System.nanoTime() + settings.catchUpTimeout().toNanos();
        synchronized (signal) {
            long target = pollsStarted + 1;
            nudged = true;
            signal.notifyAll();
            while (pollsFinished < target && !closed && !failing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    signal.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        long backoff = 0;
        while (!closed) {
            long pause;
            long poll;
            synchronized (signal) {
                poll = ++pollsStarted;
                nudged = false;
            }
            try {
                pause = pollOnce();
                synchronized (signal) {
                    pollsFinished = poll;
                    signal.notifyAll();
                }
                lastReadNanos = System.nanoTime();
                if (failing) {
                    LOG.info("Datastore log poller reads the {} database again", dialect.name());
                    failing = false;
                }
                backoff = 0;
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                failure = SqlErrors.describe(e);
                if (!failing) {
                    LOG.warn("Datastore log poller cannot read the {} database, retrying: {}", dialect.name(),
                            e.getMessage());
                    failing = true;
                }
                synchronized (signal) {
                    // Read barriers waiting on this poll return; their reads meet the outage themselves.
                    signal.notifyAll();
                }
                dropConnection();
                backoff = Math.min(MAX_BACKOFF_MILLIS, Math.max(50, backoff * 2));
                pause = backoff;
            }
            waitForNudge(pause);
        }
        dropConnection();
    }

    /**
     * Why this server cannot follow the log right now, or empty: the last poll failed, or none has finished for
     * a while. Answers from the poller's state, without a query, so a health check may ask as often as it likes.
     */
    Optional<String> problem() {
        if (failing) {
            return Optional.of("cannot read the " + dialect.name() + " database: " + failure);
        }
        long quiet = System.nanoTime() - lastReadNanos;
        if (quiet > STALLED_AFTER.toNanos()) {
            return Optional.of("no read of the " + dialect.name() + " database has finished for "
                    + TimeUnit.NANOSECONDS.toSeconds(quiet) + " s");
        }
        return Optional.empty();
    }

    /** One read of the log; returns how long to wait before the next (0: at once). */
    private long pollOnce() throws SQLException {
        if (connection == null) {
            Connection fresh = source.open();
            try {
                dialect.configure(fresh, false);
                fresh.setAutoCommit(true);
            } catch (SQLException e) {
                ReaderPool.closeQuietly(fresh);
                throw e;
            }
            connection = fresh;
        }
        followCompaction();
        long from = published;
        long revision = from;
        List<WatchEvent> events = new ArrayList<>();
        int rows = 0;
        boolean waitingOnGap = false;
        try (PreparedStatement select = connection.prepareStatement(LogSql.AFTER)) {
            select.setLong(1, from);
            select.setInt(2, settings.pollBatch());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long id = rs.getLong(1);
                    if (id != revision + 1) {
                        waitingOnGap = true;
                        break;
                    }
                    revision = id;
                    if (!LogRows.isFill(rs)) {
                        events.add(LogRows.event(rs));
                    }
                }
            }
        }
        if (revision > from) {
            publish(revision, events);
        }
        if (waitingOnGap) {
            return handleGap(revision + 1);
        }
        gap = 0;
        return rows >= settings.pollBatch() ? 0 : settings.pollInterval().toMillis();
    }

    /** Gives a missing revision time to commit, then fills it so the log moves on. */
    private long handleGap(long missing) throws SQLException {
        long now = System.nanoTime();
        if (gap != missing) {
            gap = missing;
            gapSince = now;
            return GAP_RECHECK_MILLIS;
        }
        if (now - gapSince < settings.gapTimeout().toNanos()) {
            return GAP_RECHECK_MILLIS;
        }
        boolean filled = LogGaps.fill(connection, dialect, missing);
        LOG.debug("Datastore revision {} stayed missing for {}; {}", missing, settings.gapTimeout(),
                filled ? "filled it" : "its write committed meanwhile");
        gap = 0;
        return 0;
    }

    private void publish(long revision, List<WatchEvent> events) {
        hub.publish(revision, events);
        synchronized (signal) {
            published = revision;
            signal.notifyAll();
        }
    }

    /** Another server's compaction moves this server's floor too, so reads before it fail as compacted. */
    private void followCompaction() throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(LogSql.READ_META)) {
            select.setString(1, LogSql.COMPACTED_REVISION);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    long compacted = rs.getLong(1);
                    if (compacted > compaction.compacted()) {
                        compaction.raiseFloor(compacted);
                        compaction.committed(compacted);
                    }
                }
            }
        }
    }

    private void waitForNudge(long millis) {
        if (millis <= 0) {
            return;
        }
        synchronized (signal) {
            if (!nudged && !closed) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
            nudged = false;
        }
    }

    private void dropConnection() {
        if (connection != null) {
            ReaderPool.closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
