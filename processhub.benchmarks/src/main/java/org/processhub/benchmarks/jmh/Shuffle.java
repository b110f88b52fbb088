package org.processhub.benchmarks.jmh;

import java.util.Random;

/** A fixed-seed shuffle, so every run looks keys up in the same (cache-unfriendly) order. */
final class Shuffle {
    private Shuffle() {}

    static <T> void shuffle(T[] a) {
        Random r = new Random(42);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
