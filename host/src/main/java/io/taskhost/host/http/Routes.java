package io.taskhost.host.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /health}, {@code /metrics} and {@code /status}; any other path is 404, any other method 405. */
final class Routes implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    static final Set<String> PATHS = Set.of("/health", "/metrics", "/status");

    private record Response(int status, String contentType, byte[] body) {

        static Response text(int status, String text) {
            return new Response(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HealthCheck health;
    private final StatusReport status;
    private final HostMetrics metrics;
    private final ObjectMapper mapper;

    Routes(HealthCheck health, StatusReport status, HostMetrics metrics, ObjectMapper mapper) {
        this.health = health;
        this.status = status;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            Response response;
            try {
                response = respond(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            } catch (RuntimeException | JsonProcessingException e) {
                log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                response = Response.text(500, "internal error; the host's log has the stack trace\n");
            }
            send(exchange, response);
        } finally {
            exchange.close();
        }
    }

    private Response respond(String method, String path) throws JsonProcessingException {
        if (!PATHS.contains(path)) {
            return Response.text(404, "not found; this endpoint serves " + PATHS + "\n");
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return Response.text(405, "only GET and HEAD\n");
        }
        return switch (path) {
            case "/health" -> {
                HealthCheck.Report report = health.check();
                yield json(report.healthy() ? 200 : 503, report);
            }
            case "/metrics" -> new Response(200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
            default -> json(200, status.now());
        };
    }

    private Response json(int code, Object body) throws JsonProcessingException {
        return new Response(code, JSON, mapper.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (response.status() == 405) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        }
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), response.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(response.body());
        }
    }
}
