package org.processhub.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The API bundle is also a JPMS module: the JVM reads it from the module path with its exports. */
class ApiModuleTest {
    @Test
    void theApiJarIsANamedModuleExportingItsPackages() throws Exception {
        Path jar = Path.of(System.getProperty("processhub.api.jar"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", jar.toString(), "--describe-module", "processhub.api").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("processhub.api@").contains("exports org.processhub.api\n",
                "exports org.processhub.api.hook", "exports org.processhub.api.strategy");
    }
}
