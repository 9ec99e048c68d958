package io.taskhost.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's HTTP endpoint for service managers, Prometheus and people: {@code /health},
 * {@code /metrics}, {@code /status}, and the dashboard at {@code /} with its JSON under
 * {@code /api/}, on the JDK's own HTTP server, which is plenty for a few requests a second.
 * {@link Access} guards every path.
 */
public final class HttpEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    /** Requests served at once; each may hold one Redis connection. */
    public static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code bind:port} and serves {@code host}'s health, metrics and status.
     *
     * @throws IllegalArgumentException when {@code bind} is not an address or a resolvable name
     * @throws IllegalStateException    when the port cannot be bound, for example because it is in use
     */
    public static HttpEndpoint start(String bind, int port, HostMetrics metrics, ObservedHost host,
                                     ObjectMapper mapper, Clock clock) {
        return start(bind, port, null, false, metrics, host, mapper, clock);
    }

    /**
     * @param token    what every request but {@code /health} must present; null for none
     * @param readOnly whether the dashboard refuses every change
     */
    public static HttpEndpoint start(String bind, int port, String token, boolean readOnly, HostMetrics metrics,
                                     ObservedHost host, ObjectMapper mapper, Clock clock) {
        var address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("http-bind " + bind + " is neither an IP address nor a known host name");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for HTTP on " + bind + " port " + port
                    + " (--http-bind, --http-port): " + e.getMessage(), e);
        }
        List<QueueSizes> sizes = host.queues().stream()
                .map(keys -> new QueueSizes(host.redis(), keys, System::nanoTime)).toList();
        metrics.bind(new QueueGauges(sizes, host.tasks()::inFlight, host.launcher()::idleWorkers));
        var routes = new Routes(new HealthCheck(host.redis(), host.firstQueue(), host.catalog(),
                host.tasks()::fetchLoopStatus),
                new StatusReport(host, sizes, clock), metrics, mapper);
        var threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "http-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        var access = new Access(token, readOnly, new SecureRandom());
        for (String path : Routes.PATHS) {
            server.createContext(path, routes).getFilters().add(access);
        }
        var dashboard = new Dashboard(host.hostId(), host.queues(), host.redis(),
                new DashboardData(host.redis(), mapper, clock), access, mapper);
        server.createContext("/", dashboard).getFilters().add(access);
        server.start();
        var endpoint = new HttpEndpoint(server, executor);
        log.info("serving the dashboard, /api/, /health, /metrics and /status at {}{}{}", endpoint.url(),
                token == null ? "" : " (with a token)", readOnly ? " (read-only)" : "");
        return endpoint;
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public URI url() {
        InetSocketAddress address = address();
        try {
            return new URI("http", null, address.getAddress().getHostAddress(), address.getPort(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
