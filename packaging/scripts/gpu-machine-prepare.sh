#!/usr/bin/env bash
# Fills .device/ (git-ignored) with what gpu-machine-run.sh needs: a compact JRE, the shaded jar,
# the test classes, AssertJ and the JUnit console launcher. Run after ./mvnw package.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
[ -f .device/jre.tgz ] || bash ../shared/tools/device-java.sh
cp target/aiwatch.jar .device/aiwatch.jar
jar cf .device/tests.jar -C target/test-classes .
m2=${M2_REPO:-$HOME/.m2/repository}
./mvnw -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.13.4 -DoutputDirectory=.device
mv .device/junit-platform-console-standalone-1.13.4.jar .device/junit.jar
cp "$m2/org/assertj/assertj-core/3.27.3/assertj-core-3.27.3.jar" .device/assertj.jar
cp packaging/scripts/gpu-machine-run.sh .device/run.sh
du -sh .device
