package io.karst.datastore.sqlite;

/**
 * How many of the pages a compaction freed SQLite keeps for the writes to come rather than give back to the file
 * system. Giving a page back (incremental vacuum) moves the file's last page into a hole, and at the end of a log
 * are its newest rows: under a steady load every page given back was soon taken again by the file's growth, and
 * the moving held up the writer (bench/datastore, a million updates: one compaction of 400,000 revisions held the
 * writer 17.5 s, 13.5 s of it moving pages, and the write rate fell to a third meanwhile). So a compaction keeps as
 * many free pages as the writes took since the previous compaction ended, and gives back the rest: a store whose
 * load stopped shrinks at its next compaction, and the first compaction after opening gives back everything.
 * Called on the writer's turn only, one compaction at a time.
 */
final class FreePageReserve {
    private boolean marked;
    private long pagesAfterLast;
    private long freeAfterLast;
    private long keep;

    /** Before a compaction deletes: the writes since the last one took its free pages, then grew the file. */
    void beforeCompaction(long pageCount, long freePages) {
        keep = marked ? Math.max(0, (pageCount - pagesAfterLast) + (freeAfterLast - freePages)) : 0;
    }

    /** Of the free pages after the compaction's deletes, those to give back. */
    long pagesToGiveBack(long freePages) {
        return Math.max(0, freePages - keep);
    }

    void afterReclaim(long pageCount, long freePages) {
        marked = true;
        pagesAfterLast = pageCount;
        freeAfterLast = freePages;
    }
}
