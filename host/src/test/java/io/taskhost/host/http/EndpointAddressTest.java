package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.Host;
import io.taskhost.host.cli.HostOptions;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.testing.HttpProbe;
import io.taskhost.host.testing.ListeningSockets;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint opens no port unless asked, and then listens on the loopback address unless told otherwise. */
class EndpointAddressTest {

    @TempDir
    Path temp;

    @Test
    void aHostOpensNoPortUnlessGivenOne() throws Exception {
        HostSettings defaults = HostOptions.parse();
        assertEquals(0, defaults.httpPort());
        assertEquals("127.0.0.1", defaults.httpBind());

        String queue = TestHosts.uniqueQueue();
        HostSettings settings = TestHosts.settings(TestRedis.shared(), queue, TestHosts.pluginsDirWith(temp, "fixtures.jar"),
                temp.resolve("cache"));
        Set<InetSocketAddress> before = ListeningSockets.ofThisProcess();
        try (Host host = TestHosts.start(settings)) {
            assertEquals(Optional.empty(), host.httpAddress());
            assertEquals(before, ListeningSockets.ofThisProcess(), "no new listening socket");
        }
    }

    @Test
    void itListensOnTheLoopbackAddressByDefault() throws Exception {
        int port = TestHosts.freePort();
        try (Host host = start("--http-port", Integer.toString(port))) {
            var expected = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
            assertEquals(Optional.of(expected), host.httpAddress());
            assertEquals(Set.of(expected), onPort(port), "bound to 127.0.0.1 alone, not to every interface");
            assertEquals(200, new HttpProbe(expected).get("/health").status());
        }
    }

    @Test
    void itListensWhereHttpBindSays() throws Exception {
        int port = TestHosts.freePort();
        try (Host host = start("--http-port", Integer.toString(port), "--http-bind", "127.0.0.2")) {
            var expected = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port);
            assertEquals(Set.of(expected), onPort(port));
            assertEquals(200, new HttpProbe(expected).get("/status").status());
        }
    }

    @Test
    void aPortInUseStopsTheStartWithTheReasonAndLeavesTheHostIdFree() throws Exception {
        String queue = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            var failure = assertThrows(IllegalStateException.class, () -> TestHosts.start(TestHosts.settings(
                    TestRedis.shared(), queue, plugins, temp.resolve("cache"),
                    "--http-port", Integer.toString(taken.getLocalPort()))));
            assertTrue(failure.getMessage().contains("--http-port"), failure.getMessage());
        }
        // The same host id starts at once: the failed start gave its heartbeat back.
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queue, plugins, temp.resolve("cache"),
                "--http-port", Integer.toString(TestHosts.freePort())))) {
            assertTrue(host.httpAddress().isPresent());
        }
    }

    @Test
    void aPortOutOfRangeIsAnInvalidSetting() {
        var failure = assertThrows(IllegalArgumentException.class, () -> HostOptions.parse("--http-port", "65536"));
        assertTrue(failure.getMessage().startsWith("http-port must be"), failure.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HostOptions.parse("--http-port", "-1"));
    }

    private Host start(String... http) {
        return TestHosts.start(TestHosts.settings(TestRedis.shared(), TestHosts.uniqueQueue(),
                TestHosts.pluginsDirWith(temp, "fixtures.jar"), temp.resolve("cache"), http));
    }

    private static Set<InetSocketAddress> onPort(int port) {
        Set<InetSocketAddress> listening = new HashSet<>(ListeningSockets.ofThisProcess());
        listening.removeIf(address -> address.getPort() != port);
        return listening;
    }
}
