package org.processhub.benchmarks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The driver's smoke run in the default build, so the harness never rots: K=200 children on 3 nodes, 2
 * repetitions, both systems, every scenario (start, placement, propagation, calls, kill -9, join). It asserts
 * that each step produced its numbers and that ProcessHub's invariants held (nothing missing or duplicated
 * after the kill, moves only to the joining node); it never asserts a time.
 *
 * <p>Run alone: {@code mvn -o verify -pl processhub.benchmarks} (needs {@code mvn -o install -DskipTests} first).
 */
class ClusterDriverSmokeTest {
    @Test
    @SuppressWarnings("unchecked")
    void smokeRunMeasuresBothSystems() throws Exception {
        ClusterDriver driver = new ClusterDriver(new Options("--smoke", "--placement", "2000"));
        Path dir = driver.run();
        assertThat(dir.resolve("result.json")).exists();
        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("| start children/s");
        System.out.println(md);

        Map<String, Object> result = driver.result;
        for (String sys : List.of("processhub", "ignite")) {
            List<Map<String, Object>> runs = (List<Map<String, Object>>) Summary.get(result, "systems." + sys + ".runs");
            assertThat(runs).as(sys).hasSize(2);
            for (Map<String, Object> r : runs) {
                assertThat(r).as(sys + " run").doesNotContainKey("error");
                assertThat(Summary.get(r, "start.complete")).as(sys + " start complete").isEqualTo(true);
                assertThat(Summary.get(r, "start.children_per_s")).as(sys).isInstanceOf(Number.class);
                assertThat(Summary.get(r, "calls.remote.p50_us")).as(sys).isInstanceOf(Number.class);
                assertThat(Summary.get(r, "failover.lost")).as(sys + " children lost with n3").isNotEqualTo(0);
                assertThat(Summary.get(r, "failover.check_after_quiescence.missing")).as(sys).isInstanceOf(Number.class);
                assertThat(Summary.get(r, "join.moved_fraction")).as(sys).isInstanceOf(Number.class);
            }
        }
        // ProcessHub's invariants (Ignite's are not ours to assert)
        for (Map<String, Object> r : (List<Map<String, Object>>) Summary.get(result, "systems.processhub.runs")) {
            assertThat(Summary.get(r, "failover.check_after_quiescence.missing")).as("missing after kill -9").isEqualTo(0);
            assertThat(Summary.get(r, "failover.check_after_quiescence.duplicates")).as("duplicates after kill -9").isEqualTo(0);
            assertThat(Summary.get(r, "failover.restarted")).isEqualTo(Summary.get(r, "failover.lost"));
            assertThat(Summary.get(r, "placement.matches_ring")).isEqualTo(true);
            assertThat(Summary.get(r, "join.moved_not_to_new_node")).isEqualTo(0);
            assertThat((int) Summary.get(r, "join.moved")).isPositive();
            assertThat(Summary.get(r, "join.check.missing")).isEqualTo(0);
            assertThat(Summary.get(r, "join.check.duplicates")).isEqualTo(0);
        }
    }
}
