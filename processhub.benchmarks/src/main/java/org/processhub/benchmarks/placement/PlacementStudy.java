package org.processhub.benchmarks.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.processhub.api.NodeId;
import org.processhub.runtime.internal.ring.HashRing;
import org.processhub.runtime.internal.ring.Hashing;

/**
 * Placement balance and join movement of the runtime's real {@link HashRing} (8192 virtual nodes by default; 1024 before the benchmarks)
 * against the options: more virtual nodes, rendezvous hashing (HRW) over the same 64-bit hash, and bounded
 * loads (ε = 0.05) on the ring. Placement is a pure function of the member names and child ids, so this is
 * exactly what a cluster with these node names does (the driver checks that on real 3-node clusters).
 *
 * <p>Node names: {@code n1..nN} (the driver's names) and 25 random sets of the default form
 * {@code 127.0.0.1-<pid>}; keys: {@code s_0..s_<K-1>} (the driver's child ids).
 *
 * <p>Run: {@code processhub.benchmarks/run.sh placement [K]} (prints JSON).
 */
public final class PlacementStudy {
    static final int[] NODE_COUNTS = {2, 3, 4, 5, 10};
    static final int RANDOM_NAME_SETS = 25;

    private PlacementStudy() {}

    public static void main(String[] args) {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        System.out.print(org.processhub.benchmarks.cluster.Json.write(run(k)));
    }

    /** A placement: the primary owner of a key among members. */
    public interface Algorithm {
        String name();

        /** Owner index per key, for these members (sorted by name). */
        int[] assign(List<NodeId> members, String[] keys);
    }

    record Ring(int vnodes) implements Algorithm {
        public String name() {
            return "ring-" + vnodes + (vnodes == HashRing.DEFAULT_VIRTUAL_NODES ? " (current)" : "");
        }

        public int[] assign(List<NodeId> members, String[] keys) {
            HashRing ring = new HashRing(members, vnodes);
            Map<NodeId, Integer> index = indexOf(ring.members());
            int[] out = new int[keys.length];
            for (int i = 0; i < keys.length; i++) out[i] = index.get(ring.owner(keys[i]));
            return out;
        }
    }

    /** Rendezvous hashing: the member with the highest mix(hash(key), hash(node)) wins. */
    public record Rendezvous() implements Algorithm {
        public String name() {
            return "rendezvous (HRW)";
        }

        public int[] assign(List<NodeId> members, String[] keys) {
            long[] nodeHash = new long[members.size()];
            for (int m = 0; m < nodeHash.length; m++) nodeHash[m] = Hashing.hash64(members.get(m).name());
            int[] out = new int[keys.length];
            for (int i = 0; i < keys.length; i++) out[i] = owner(Hashing.hash64(keys[i]), nodeHash);
            return out;
        }

        public static int owner(long keyHash, long[] nodeHash) {
            int best = 0;
            long bestScore = Long.MIN_VALUE;
            for (int m = 0; m < nodeHash.length; m++) {
                long s = mix(keyHash ^ nodeHash[m]);
                if (Long.compareUnsigned(s, bestScore) > 0 || m == 0) {
                    bestScore = s;
                    best = m;
                }
            }
            return best;
        }
    }

    /**
     * Bounded loads (Mirrokni, Thorup, Zadimoghaddam) on the default ring: capacity ⌈(1+ε)·K/N⌉ per node,
     * keys placed in id order, a full node passes the key on clockwise. Needs every key and a placement order
     * that all nodes agree on, i.e. state, not a pure function of the id.
     */
    record Bounded(double epsilon) implements Algorithm {
        public String name() {
            return "ring-" + HashRing.DEFAULT_VIRTUAL_NODES + " + bounded loads ε=" + epsilon;
        }

        public int[] assign(List<NodeId> members, String[] keys) {
            HashRing ring = new HashRing(members, HashRing.DEFAULT_VIRTUAL_NODES);
            Map<NodeId, Integer> index = indexOf(ring.members());
            int cap = (int) Math.ceil((1 + epsilon) * keys.length / members.size());
            int[] load = new int[members.size()];
            int[] out = new int[keys.length];
            for (int i = 0; i < keys.length; i++) {
                for (NodeId n : ring.owners(keys[i], members.size())) {
                    int m = index.get(n);
                    if (load[m] < cap) {
                        load[m]++;
                        out[i] = m;
                        break;
                    }
                }
            }
            return out;
        }
    }

    static Map<NodeId, Integer> indexOf(List<NodeId> sorted) {
        Map<NodeId, Integer> m = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) m.put(sorted.get(i), i);
        return m;
    }

    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }

    public static List<Algorithm> algorithms() {
        return List.of(new Ring(1024), new Ring(4096), new Ring(8192), new Ring(16384), new Rendezvous(), new Bounded(0.05));
    }

    /** Balance (max/mean) per node count, and movement when one node joins, for every algorithm. */
    public static Map<String, Object> run(int k) {
        String[] keys = new String[k];
        for (int i = 0; i < k; i++) keys[i] = "s_" + i;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("keys", k);
        result.put("random_name_sets", RANDOM_NAME_SETS);
        for (Algorithm a : algorithms()) {
            Map<String, Object> perN = new LinkedHashMap<>();
            for (int n : NODE_COUNTS) {
                Map<String, Object> cell = new LinkedHashMap<>();
                List<NodeId> named = names("n", n, null);
                cell.put("max_mean_n1..nN", round(maxMean(a.assign(named, keys), n)));
                List<Double> random = new ArrayList<>();
                Random rnd = new Random(42 + n);
                for (int s = 0; s < RANDOM_NAME_SETS; s++) random.add(maxMean(a.assign(names("127.0.0.1-", n, rnd), keys), n));
                random.sort(null);
                cell.put("max_mean_random_median", round(random.get(random.size() / 2)));
                cell.put("max_mean_random_worst", round(random.get(random.size() - 1)));
                // n -> n+1 nodes: the share of keys that moved, and of those, how many not to the new node
                List<NodeId> grown = names("n", n + 1, null);
                int[] before = a.assign(named, keys);
                int[] after = a.assign(grown, keys);
                int moved = 0;
                int elsewhere = 0;
                NodeId newcomer = NodeId.of("n" + (n + 1));
                int newIndex = grown.indexOf(newcomer);
                List<NodeId> sortedBefore = named;
                List<NodeId> sortedAfter = grown;
                for (int i = 0; i < k; i++) {
                    NodeId was = sortedBefore.get(before[i]);
                    NodeId now = sortedAfter.get(after[i]);
                    if (!was.equals(now)) {
                        moved++;
                        if (after[i] != newIndex) elsewhere++;
                    }
                }
                cell.put("join_moved_fraction", round((double) moved / k));
                cell.put("join_ideal", round(1.0 / (n + 1)));
                cell.put("join_moved_not_to_new_node", elsewhere);
                perN.put(String.valueOf(n), cell);
            }
            result.put(a.name(), perN);
        }
        return result;
    }

    static List<NodeId> names(String prefix, int n, Random rnd) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(NodeId.of(rnd == null ? prefix + i : prefix + (1000 + rnd.nextInt(4_000_000))));
        }
        out.sort(null); // every algorithm gets the members sorted by name, and answers indexes into that order
        return out;
    }

    static double maxMean(int[] owners, int n) {
        int[] count = new int[n];
        for (int o : owners) count[o]++;
        int max = 0;
        for (int c : count) max = Math.max(max, c);
        return max / ((double) owners.length / n);
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
