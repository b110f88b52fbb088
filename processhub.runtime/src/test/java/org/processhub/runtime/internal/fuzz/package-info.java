/**
 * Coverage-guided fuzz tests (Jazzer, {@code com.code_intelligence.jazzer.junit.FuzzTest}) of what a node reads
 * from outside: {@link org.processhub.runtime.internal.fuzz.WireDecoderFuzzTest hub frames},
 * {@link org.processhub.runtime.internal.fuzz.PayloadCodecFuzzTest user payloads} and
 * {@link org.processhub.runtime.internal.fuzz.ConfigFuzzTest configuration maps}.
 *
 * <h2>How they run</h2>
 * <ul>
 *   <li>{@code mvn verify} of processhub.runtime: the surefire executions {@code fuzz-wire}, {@code fuzz-payload}
 *       and {@code fuzz-config} (after the unit tests) each start a JVM with {@code JAZZER_FUZZ=1}, replay the
 *       target's seed corpus as regression inputs and then fuzz it for {@code -Dfuzz.seconds} (15 s; it
 *       overrides {@code @FuzzTest(maxDuration)}). A finding fails the build and Jazzer writes the input
 *       ({@code crash-<sha1>}) next to the seeds; commit it, it then replays in every build.</li>
 *   <li>{@code mvn -o verify -pl processhub.runtime -Pfuzz-long}: only the fuzz targets, 10 minutes each
 *       ({@code -Dfuzz.seconds=N} to change), with libFuzzer's value profile. Generated corpora accumulate in
 *       {@code target/fuzz-corpus/<Test>/} until {@code mvn clean}.</li>
 *   <li>{@code -Dfuzz.enabled=0}: replay the corpora only, no fuzzing (seconds); {@code -Dfuzz.skip=true} or
 *       {@code -DskipTests}: skip them. Running one target:
 *       {@code mvn -o test-compile surefire:test@fuzz-wire -pl processhub.runtime}.</li>
 *   <li>The unit-test execution ({@code default-test}) excludes {@code **}{@code /fuzz/*FuzzTest.java}; with
 *       {@code -Dtest=...} they may run there too, as plain regression tests (Jazzer only fuzzes under
 *       {@code JAZZER_FUZZ}). Jazzer fuzzes one {@code @FuzzTest} per JVM: keep one per class, and give a new
 *       class its own execution in the pom.</li>
 * </ul>
 *
 * <h2>Corpora</h2>
 * Seeds live in {@code src/test/resources/org/processhub/runtime/internal/fuzz/<Test>Inputs/<method>/} (Jazzer
 * 0.24.0's layout; when only replaying it also reads files directly in {@code <Test>Inputs/}).
 * {@link org.processhub.runtime.internal.fuzz.SeedCorpusTest} writes and checks the {@code sample-*} (valid)
 * and {@code malformed-*} seeds of the two codecs. ConfigFuzzTest's inputs are
 * {@link com.code_intelligence.jazzer.api.FuzzedDataProvider} bytes: they keep their meaning only while the test
 * consumes the data in the same order.
 *
 * <h2>Reproducing a finding</h2>
 * Run the target without fuzzing ({@code -Dfuzz.enabled=0}) with the crash file in the inputs directory, or
 * debug it from the IDE (without {@code JAZZER_FUZZ} the test runs each input as one JUnit invocation). Bugs
 * found and not fixed yet are tolerated by the fuzz tests through {@code BUG_*} flags and reproduced by the
 * disabled tests of {@link org.processhub.runtime.internal.fuzz.ConfigBugsTest}.
 */
package org.processhub.runtime.internal.fuzz;
