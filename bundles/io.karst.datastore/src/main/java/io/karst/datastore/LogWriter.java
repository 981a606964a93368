package io.karst.datastore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.karst.api.datastore.DatastoreException;
import io.karst.api.datastore.DatastoreUnavailableException;
import io.karst.api.datastore.WatchEvent;

/**
 * The one writer of the log. Writes queue up while a transaction commits and are then committed together, so a
 * commit's fsync is shared by every write waiting for it. One batch runs at a time, under {@link #turn}: on the
 * writer thread, or on the thread of a caller that waits for its write and finds nothing queued and no batch
 * running, or on a thread that held back its asynchronous writes to commit them itself ({@link
 * #commitOnThisThread}: an event loop, with the writes of the requests it read in one go). That spares two
 * thread hand-offs (to the writer and back), which on a busy 2-core machine cost more than the commit itself;
 * under concurrent load the writer thread still gathers the batches.
 * Writes commit in the order they were queued. On an embedded database the revisions are handed out here, in
 * memory, which needs exactly one writer per database. On a database several servers share, the database hands
 * them out (auto-increment); a batch that loses a race with another server's write of the same key fails on the
 * {@code (name, prev_revision)} uniqueness and runs again, now seeing that write.
 */
final class LogWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /** One write, run inside the batch's transaction; it validates before it changes anything. */
    @FunctionalInterface
    interface WriteOp<T> {
        T apply(WriteTransaction tx) throws SQLException;
    }

    /** Told of each commit, in commit order, before the writes' callers are released. */
    @FunctionalInterface
    interface CommitListener {
        void committed(long revision, List<WatchEvent> events);
    }

    /** A write and, once its batch ran, its outcome: the op's result or why it failed. */
    private static final class Pending<T> {
        final WriteOp<T> op;
        final CompletableFuture<T> result;
        Object value;
        Throwable failure;

        Pending(WriteOp<T> op, CompletableFuture<T> result) {
            this.op = op;
            this.result = result;
        }

        WriteOp<T> op() {
            return op;
        }

        CompletableFuture<T> result() {
            return result;
        }
    }

    /** Runs of one batch that lost races before its writes are failed as unavailable; each retry re-reads. */
    private static final int MAX_CONFLICT_RETRIES = 10;

    private static final Pending<Void> STOP = new Pending<>(tx -> null, new CompletableFuture<>());

    private final ConnectionSource source;
    private final Dialect dialect;
    private final int maxBatchSize;
    private final CommitListener listener;
    private final boolean generatedIds;
    /** Guarded by its own monitor, which the writer thread waits on. */
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    /** Held while a batch runs; guards the connection, its statements and the revision. */
    private final ReentrantLock turn = new ReentrantLock();
    /** The writes a thread inside {@link #commitOnThisThread} submitted, to commit when its writes have run. */
    private final ThreadLocal<List<Pending<?>>> heldByThisThread = new ThreadLocal<>();
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

    /** Runs {@code op} now if the writer is idle, otherwise in the next batch, and waits for its commit. */
    <T> T execute(WriteOp<T> op) {
        CompletableFuture<T> now = commitIfIdle(op);
        CompletableFuture<T> result = now != null ? now : submit(op);
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
     * {@link DatastoreException}. It completes on the writer thread after the batch gave up its turn, so what
     * depends on it may write. Always queued: a caller that does not wait may send many writes in a row, and
     * the writer thread commits them together.
     */
    <T> CompletableFuture<T> submit(WriteOp<T> op) {
        Pending<T> pending = new Pending<>(op, new CompletableFuture<>());
        List<Pending<?>> held = heldByThisThread.get();
        if (held != null) {
            held.add(pending);
            return pending.result();
        }
        return enqueue(pending);
    }

    /**
     * Runs {@code writes}, holding back the writes they {@link #submit}, then commits those together: on this
     * thread when no batch runs and they fit one batch, else through the writer thread. What was held is
     * committed even when {@code writes} throws part way. Nested calls, and calls made while this thread runs a
     * batch, just run {@code writes}.
     */
    void commitOnThisThread(Runnable writes) {
        if (heldByThisThread.get() != null || turn.isHeldByCurrentThread()) {
            writes.run();
            return;
        }
        List<Pending<?>> held = new ArrayList<>();
        heldByThisThread.set(held);
        try {
            writes.run();
        } finally {
            heldByThisThread.remove();
            if (!held.isEmpty() && !runHereIfIdle(held)) {
                enqueueAll(held);
            }
        }
    }

    /**
     * A caller that waits for its write sends one at a time, so when nothing is queued and no batch runs, its
     * write is committed on its own thread at once; null when the writer is busy.
     */
    private <T> CompletableFuture<T> commitIfIdle(WriteOp<T> op) {
        // Not while this thread runs a batch already (a completion writing): that write waits its turn.
        if (turn.isHeldByCurrentThread()) {
            return null;
        }
        Pending<T> pending = new Pending<>(op, new CompletableFuture<>());
        return runHereIfIdle(List.of(pending)) ? pending.result() : null;
    }

    /**
     * Commits {@code pendings}, after the writes queued before them, on this thread when the turn is free and
     * they fit one batch; false, with nothing run, when the caller must queue them instead.
     */
    private boolean runHereIfIdle(List<Pending<?>> pendings) {
        if (!turn.tryLock()) {
            return false;
        }
        List<Pending<?>> batch = null;
        try {
            batch = takeQueuedWith(pendings);
            if (batch != null) {
                runBatch(batch);
            }
        } catch (Error e) {
            // Others' writes may be in this batch: they must not wait for ever.
            if (batch != null) {
                batch.forEach(taken -> taken.result().completeExceptionally(e));
            }
            throw e;
        } finally {
            turn.unlock();
        }
        if (batch == null) {
            return false;
        }
        batch.forEach(LogWriter::release);
        return true;
    }

    private void enqueueAll(List<Pending<?>> pendings) {
        synchronized (queue) {
            if (closed) {
                DatastoreUnavailableException stopped = new DatastoreUnavailableException("the datastore is closed");
                pendings.forEach(pending -> pending.result().completeExceptionally(stopped));
                return;
            }
            queue.addAll(pendings);
            queue.notifyAll();
        }
    }

    private <T> CompletableFuture<T> enqueue(Pending<T> pending) {
        synchronized (queue) {
            // Checked under the lock close() takes, so no write can slip in behind the stop marker.
            if (closed) {
                return CompletableFuture.failedFuture(new DatastoreUnavailableException("the datastore is closed"));
            }
            queue.add(pending);
            queue.notifyAll();
        }
        return pending.result();
    }

    /**
     * Under the turn: the writes queued before {@code pendings}, and {@code pendings}, if they fit one batch and
     * the writer is not stopping; null to queue them for the writer thread instead.
     */
    private List<Pending<?>> takeQueuedWith(List<Pending<?>> pendings) {
        synchronized (queue) {
            if (closed || queue.size() + pendings.size() > maxBatchSize) {
                return null;
            }
            List<Pending<?>> batch = new ArrayList<>(queue.size() + pendings.size());
            batch.addAll(queue);
            queue.clear();
            batch.addAll(pendings);
            return batch;
        }
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(maxBatchSize);
        try {
            boolean stop = false;
            while (!stop) {
                synchronized (queue) {
                    while (queue.isEmpty()) {
                        queue.wait();
                    }
                }
                turn.lock();
                try {
                    synchronized (queue) {
                        for (int i = 0; i < maxBatchSize && !queue.isEmpty(); i++) {
                            batch.add(queue.poll());
                        }
                    }
                    stop = batch.remove(STOP);
                    if (!batch.isEmpty()) {
                        runBatch(batch);
                    }
                } finally {
                    turn.unlock();
                }
                batch.forEach(LogWriter::release);
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
            List<Pending<?>> left;
            synchronized (queue) {
                left = new ArrayList<>(queue);
                queue.clear();
            }
            left.forEach(pending -> pending.result().completeExceptionally(stopped));
            turn.lock();
            try {
                dropConnection();
            } finally {
                turn.unlock();
            }
        }
    }

    /** Runs the batch and leaves each write's outcome in its slot, for {@link #release} once the turn is given up. */
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
            batch.forEach(pending -> pending.failure = failure);
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
            batch.get(i).value = results[i];
            batch.get(i).failure = refusals[i];
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

    /** Completes the write's future, off the turn, so what depends on it never holds up the next batch. */
    @SuppressWarnings("unchecked")
    private static <T> void release(Pending<T> pending) {
        if (pending.failure != null) {
            pending.result().completeExceptionally(pending.failure);
        } else {
            pending.result().complete((T) pending.value);
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
            queue.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
