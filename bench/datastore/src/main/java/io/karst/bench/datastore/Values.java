package io.karst.bench.datastore;

import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 1 KiB values of random (incompressible) bytes. A few are made up front and handed out in turn, so the
 * writers spend no time making data.
 */
final class Values {
    static final int VALUE_BYTES = 1024;
    private static final int DISTINCT = 64;

    private final byte[][] values = new byte[DISTINCT][VALUE_BYTES];
    private final AtomicInteger next = new AtomicInteger();

    Values(long seed) {
        Random random = new Random(seed);
        for (byte[] value : values) {
            random.nextBytes(value);
        }
    }

    byte[] next() {
        return values[Math.floorMod(next.getAndIncrement(), DISTINCT)];
    }
}
