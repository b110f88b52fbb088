#!/usr/bin/env bash
# The benchmark harness outside the default build (build first: mvn -o install -DskipTests from the root).
#
#   processhub.benchmarks/run.sh cluster --full [options]   multi-JVM driver, ProcessHub and Ignite SG side by side
#   processhub.benchmarks/run.sh cluster --smoke            the small run that `mvn verify` also runs
#   processhub.benchmarks/run.sh jmh [JMH options] [regex]  JMH benchmarks of in-JVM paths (e.g. LookupBenchmark)
#   processhub.benchmarks/run.sh placement [K]              placement study: ring vnodes, rendezvous, bounded loads
#
# Driver options (after --smoke/--full): --systems processhub,ignite --ks 1000,10000 --reps 3 --ignite-max-k 10000
# --batch 10000 --propagation 1000 --calls 20000 --window 64 --memory 100000 --ignite-memory 10000 --fill true
# --placement 100000 --settle 3000 --out DIR. Results: target/bench-runs/<time>-<mode>/{result.json,summary.md}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$here"
[ -f target/classpath.txt ] || { echo "build first: mvn -o install -DskipTests (in $root)" >&2; exit 1; }
cp="$here/target/classes:$(cat target/classpath.txt)"
opens=$(sed -n 's:.*<ignite.jvm.opens>\(.*\)</ignite.jvm.opens>.*:\1:p' "$root/pom.xml")
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
what=${1:-}
shift || true
case "$what" in
  cluster)
    # word splitting on purpose: Maven passes "--full --reps 3" as one argument
    # shellcheck disable=SC2068
    exec java -Xmx512m -Dprocesshub.jar="$root/processhub.app/target/processhub.jar" \
      -Dbenchagent.jar="$root/processhub.benchagent/target/processhub.benchagent-$version.jar" \
      -Dbench.classpath.file="$here/target/classpath.txt" -Dbench.classes="$here/target/classes" \
      -Dignite.jvm.opens="$opens" -cp "$cp" org.processhub.benchmarks.cluster.ClusterDriver $@ ;;
  jmh)
    # the forks inherit these JVM options (Ignite's opens, for the benchmarks that start a node)
    # shellcheck disable=SC2086
    exec java $opens -Djava.net.preferIPv4Stack=true -cp "$cp" org.openjdk.jmh.Main "$@" ;;
  placement)
    exec java -Xmx1g -cp "$cp" org.processhub.benchmarks.placement.PlacementStudy "$@" ;;
  *)
    sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
