package org.processhub.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;
import org.osgi.test.junit5.cm.ConfigurationExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.processhub.api.ProcessHub;

/** The hub: Gogo commands print the documented, scriptable output. */
@ExtendWith({ConfigurationExtension.class, ServiceExtension.class})
class GogoCommandsIT {
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    CommandSession session;

    String run(CommandProcessor shell, String command) throws Exception {
        if (session == null) {
            PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
            session = shell.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        }
        Object r = session.execute(command);
        return r == null ? "" : String.valueOf(r);
    }

    @AfterEach
    void close() {
        if (session != null) session.close();
    }

    @Test
    @WithFactoryConfiguration(factoryPid = "org.processhub.hub", name = "gogo", location = "?",
            properties = @Property(key = "hub.id", value = "gogo"))
    void commandsPrintTheDocumentedOutput(@InjectService(filter = "(hub.id=gogo)", timeout = 30_000) ProcessHub hub,
            @InjectService(timeout = 30_000) CommandProcessor shell) throws Exception {
        String node = hub.localNode().name();
        // the command component learns about a new hub service a moment after it is registered
        assertThat(Awaits.await(Awaits.WAIT, () -> {
            try {
                return run(shell, "hub:hubs").lines().anyMatch("gogo alive=true nodes=1 local=0"::equals);
            } catch (Exception e) {
                return false;
            }
        })).isTrue();
        assertThat(run(shell, "hub:nodes gogo")).isEqualTo(node);
        assertThat(run(shell, "hub:start gogo c1 counter start=41")).isEqualTo("started c1 on " + node);
        assertThat(run(shell, "hub:call gogo c1 incr")).isEqualTo("42");
        assertThat(run(shell, "hub:cast gogo c1 incr")).isEqualTo("sent");
        assertThat(run(shell, "hub:call gogo c1 get")).isEqualTo("43");
        assertThat(run(shell, "hub:lookup gogo c1")).isEqualTo("c1 " + node);
        assertThat(run(shell, "hub:start gogo k1 kv")).isEqualTo("started k1 on " + node);
        assertThat(run(shell, "hub:call gogo k1 put greeting hello world")).isEqualTo("ok");
        assertThat(run(shell, "hub:call gogo k1 get greeting")).isEqualTo("hello world");
        assertThat(run(shell, "hub:ps gogo").lines()).containsExactly("c1 " + node, "k1 " + node);
        assertThat(run(shell, "hub:ps --global gogo").lines()).containsExactly("c1 " + node, "k1 " + node);
        assertThat(run(shell, "hub:ps gogo --global").lines()).containsExactly("c1 " + node, "k1 " + node);
        assertThat(run(shell, "hub:status gogo").lines()).contains("alive: true", "locked: false", "partitioned: false",
                "nodes: 1", "children.local: 2", "children.registry: 2", "strategy.redundancy: singularity",
                "strategy.migration: coldswap", "strategy.partitionTolerance: divergence",
                "strategy.distribution: consistent-hashing(virtual.nodes=8192)");
        String many = run(shell, "hub:startmany gogo m 250 counter");
        assertThat(many.lines().reduce((a, b) -> b).orElse("")).matches("started 250 of 250 in \\d+ ms");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("progress 250/250");
        assertThat(hub.registry()).hasSize(252);
        assertThat(run(shell, "hub:stop gogo c1")).isEqualTo("stopped c1");
        assertThat(run(shell, "hub:lookup gogo c1")).isEqualTo("not found");
        assertThat(run(shell, "hub:ring gogo 1000").lines()).contains(node + " 1.0000", "max/mean 1.0000");

        // user mistakes: one error line, no stack trace
        assertThat(run(shell, "hub:start gogo c2 no-such-factory")).startsWith("error: no process factory named no-such-factory");
        assertThat(run(shell, "hub:start gogo k1 kv")).startsWith("error: already started: k1");
        assertThat(run(shell, "hub:call gogo nobody ping")).startsWith("error: no child 'nobody'");
        assertThat(run(shell, "hub:stop gogo nobody")).startsWith("error: ");
        assertThat(run(shell, "hub:status nohub")).startsWith("error: no hub 'nohub' on this node");
        assertThat(run(shell, "hub:start gogo 'bad id' kv")).startsWith("error: child id 'bad id' contains whitespace");
        assertThat(run(shell, "hub:start gogo c3 counter novalue")).isEqualTo("error: argument 'novalue' is not key=value");
    }
}
