package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.WatchEvent;

/**
 * The one thread that writes the log. Writes queue up while a transaction commits and are then committed
 * together, so a commit's fsync is shared by every write waiting for it. On an embedded database the revisions
 * are handed out here, in memory, which needs exactly one writer per database. On a database several servers
 * share, the database hands them out (auto-increment); a batch that loses a race with another server's write of
 * the same key fails on the {@code (name, prev_revision)} uniqueness and runs again, now seeing that write.
 */
final class LogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /** One write, run inside the batch's transaction; it validates before it changes anything. */
    @FunctionalInterface
    interface WriteOp<T> {
        T apply(WriteTransaction tx) throws SQLException;
    }

    /** Told of each commit on the writer thread, before the writes' callers are released. */
    @FunctionalInterface
    interface CommitListener {
        void committed(long revision, List<WatchEvent> events);
    }

    private record Pending<T>(WriteOp<T> op, CompletableFuture<T> result) {
    }

    /** Runs of one batch that lost races before its writes are failed as unavailable; each retry re-reads. */
    private static final int MAX_CONFLICT_RETRIES = 10;

    private static final Pending<Void> STOP = new Pending<>(tx -> null, new CompletableFuture<>());

    private final ConnectionSource source;
    private final Dialect dialect;
    private final int maxBatchSize;
    private final CommitListener listener;
    private final boolean generatedIds;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private Connection connection;
    private long committedRevision;

    LogWriter(String name, ConnectionSource source, Dialect dialect, Connection connection, long committedRevision,
            int maxBatchSize, boolean generatedIds, CommitListener listener) {
        this.generatedIds = generatedIds;
        this.source = source;
        this.dialect = dialect;
        this.connection = connection;
        this.committedRevision = committedRevision;
        this.maxBatchSize = maxBatchSize;
        this.listener = listener;
        this.thread = new Thread(this::run, name);
        // Daemon: a JVM that exits without closing the store loses only uncommitted, unacknowledged writes.
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code op} in the next batch and waits for its commit. */
    <T> T execute(WriteOp<T> op) {
        CompletableFuture<T> result = submit(op);
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreUnavailableException("interrupted while waiting for a write; it may still be applied");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DatastoreException failure) {
                throw failure;
            }
            throw new DatastoreUnavailableException("datastore write failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs {@code op} in the next batch; the future completes once it is committed, or fails with a
     * {@link DatastoreException}. It completes on the writer thread, so what depends on it must be quick and must
     * not write: every later write waits for it.
     */
    <T> CompletableFuture<T> submit(WriteOp<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (queue) {
            // Checked under the lock close() takes, so no write can slip in behind the stop marker.
            if (closed) {
                return CompletableFuture.failedFuture(new DatastoreUnavailableException("the datastore is closed"));
            }
            queue.add(new Pending<>(op, result));
        }
        return result;
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(maxBatchSize);
        try {
            boolean stop = false;
            while (!stop) {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatchSize - 1);
                stop = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    runBatch(batch);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (queue) {
                closed = true;
            }
            DatastoreUnavailableException stopped = new DatastoreUnavailableException("the datastore is closed");
            batch.forEach(pending -> pending.result().completeExceptionally(stopped));
            for (Pending<?> pending; (pending = queue.poll()) != null;) {
                pending.result().completeExceptionally(stopped);
            }
            dropConnection();
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        Object[] results = new Object[batch.size()];
        DatastoreException[] refusals = new DatastoreException[batch.size()];
        WriteTransaction tx = null;
        try {
            for (int attempt = 0;; attempt++) {
                ensureConnection();
                tx = new WriteTransaction(connection, statements, committedRevision, generatedIds);
                try {
                    runOps(batch, tx, results, refusals);
                    connection.commit();
                    break;
                } catch (SQLException e) {
                    if (!generatedIds || !dialect.isConflict(e) || attempt >= MAX_CONFLICT_RETRIES) {
                        throw e;
                    }
                    LOG.debug("Datastore batch lost a race with another server and runs again: {}", e.getMessage());
                    connection.rollback();
                    fillUnused(tx);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Datastore write of {} operations failed and was rolled back", batch.size(), e);
            rollbackAndDrop();
            DatastoreUnavailableException failure =
                    new DatastoreUnavailableException("datastore write failed: " + SqlErrors.describe(e), e);
            batch.forEach(pending -> pending.result().completeExceptionally(failure));
            return;
        }
        committedRevision = tx.revision();
        try {
            tx.afterCommitActions().forEach(Runnable::run);
            listener.committed(committedRevision, tx.events());
        } catch (RuntimeException e) {
            LOG.error("Datastore commit at revision {} could not be published to watches", committedRevision, e);
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], refusals[i]);
        }
    }

    private static void runOps(List<Pending<?>> batch, WriteTransaction tx, Object[] results,
            DatastoreException[] refusals) throws SQLException {
        for (int i = 0; i < batch.size(); i++) {
            results[i] = null;
            refusals[i] = null;
            try {
                results[i] = batch.get(i).op().apply(tx);
            } catch (DatastoreException refused) {
                // Refused before it wrote anything (exists, conflict, not found): only this write fails.
                refusals[i] = refused;
            }
        }
    }

    /**
     * The ids a rolled-back batch took are gaps the pollers of every server would wait on; filling them now
     * spares them that wait. A fill that fails is left to the pollers, which fill gaps after a timeout.
     */
    private void fillUnused(WriteTransaction tx) {
        List<Long> unused = new ArrayList<>(tx.generatedIds());
        try {
            // The insert that lost the race took an id too, but failed before returning it.
            long lost = dialect.lastAllocatedId(connection);
            if (lost > 0 && !unused.contains(lost)) {
                unused.add(lost);
            }
        } catch (SQLException e) {
            LOG.debug("Datastore could not learn the revision a lost race took: {}", e.getMessage());
        }
        for (long id : unused) {
            try {
                LogGaps.fill(connection, dialect, id);
            } catch (SQLException e) {
                LOG.debug("Datastore could not fill unused revision {}: {}", id, e.getMessage());
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result, DatastoreException refusal) {
        if (refusal != null) {
            pending.result().completeExceptionally(refusal);
        } else {
            pending.result().complete((T) result);
        }
    }

    /**
     * Reopens the connection after a failure. A commit whose acknowledgement was lost may have been applied,
     * so the revision counter resumes from the log rather than from memory, never reusing a revision.
     */
    private void ensureConnection() throws SQLException {
        if (connection != null) {
            return;
        }
        Connection fresh = source.open();
        try {
            dialect.configure(fresh, true);
            fresh.setAutoCommit(false);
            try (PreparedStatement max = fresh.prepareStatement(LogSql.MAX_ID); ResultSet rs = max.executeQuery()) {
                if (rs.next()) {
                    committedRevision = Math.max(committedRevision, rs.getLong(1));
                }
            }
            fresh.commit();
        } catch (SQLException e) {
            ReaderPool.closeQuietly(fresh);
            throw e;
        }
        connection = fresh;
    }

    private void rollbackAndDrop() {
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // The connection is dropped next; the database discards the open transaction with it.
            }
        }
        dropConnection();
    }

    private void dropConnection() {
        statements.values().forEach(ReaderPool::closeQuietly);
        statements.clear();
        if (connection != null) {
            ReaderPool.closeQuietly(connection);
            connection = null;
        }
    }

    /** Stops taking writes, lets queued ones finish, and closes the connection. */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
