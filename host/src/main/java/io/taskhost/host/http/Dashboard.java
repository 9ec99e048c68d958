package io.taskhost.host.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.failures.DeadLetters;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.retries.WaitingRetries;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The dashboard: its pages at {@code /}, their JSON under {@code /api/}, its changes as POSTs,
 * the login form and the vendored htmx. {@link Access} has checked the token, the origin and the
 * CSRF token before a request gets here. Pages loop over the queues this host serves.
 */
final class Dashboard implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String HTMX = "/static/htmx.min.js";
    /** Same-origin script only: a payload's {@code <script>} could not run even if it escaped. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self';"
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none';"
            + " base-uri 'none'";

    record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

        static Reply html(int status, String html) {
            return new Reply(status, HTML, html.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Reply redirect(String location) {
            return new Reply(303, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location));
        }
    }

    private final String hostId;
    private final List<QueueKeys> queues;
    private final UnifiedJedis redis;
    private final DashboardData data;
    private final Pages pages;
    private final Access access;
    private final ObjectMapper mapper;
    private final byte[] htmx;

    /** @param queues the queues this host serves, the first the default */
    Dashboard(String hostId, List<QueueKeys> queues, UnifiedJedis redis, DashboardData data, Access access,
              ObjectMapper mapper) {
        this.hostId = hostId;
        this.queues = List.copyOf(queues);
        this.redis = redis;
        this.data = data;
        this.access = access;
        this.mapper = mapper;
        this.pages = new Pages(hostId, access, mapper);
        this.htmx = resource("static/htmx.min.js");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> params = new HashMap<>(Access.decode(exchange.getRequestURI().getRawQuery()));
            if ("POST".equals(method)) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                params.putAll(Access.form(exchange, body));
            }
            Reply reply;
            try {
                reply = switch (method) {
                    case "GET", "HEAD" -> get(path, params);
                    case "POST" -> post(path, params);
                    default -> Reply.html(405, pages.message("Method not allowed", "Only GET, HEAD and POST."));
                };
            } catch (JedisException e) {
                String problem = RedisConnector.describe(e);
                reply = path.startsWith("/api/") ? json(503, Map.of("error", "Redis failed: " + problem))
                        : Reply.html(503, pages.message("Redis failed", problem));
            } catch (BadRequest e) {
                reply = path.startsWith("/api/") ? json(e.status, Map.of("error", e.getMessage()))
                        : Reply.html(e.status, pages.message("Cannot do that", e.getMessage()));
            } catch (RuntimeException e) {
                log.error("HTTP {} {} failed", method, path, e);
                reply = Reply.html(500, pages.message("Internal error", "The host's log has the stack trace."));
            }
            send(exchange, reply);
        }
    }

    private Reply get(String path, Map<String, String> params) {
        return switch (path) {
            case HTMX -> new Reply(200, "text/javascript; charset=utf-8", htmx,
                    Map.of("Cache-Control", "public, max-age=86400"));
            case "/login" -> access.tokenRequired() ? Reply.html(200, pages.login(null)) : Reply.redirect("/");
            case "/" -> Reply.html(200, pages.overview(queues.stream().map(data::overview).toList()));
            case "/in-flight" -> Reply.html(200, pages.inFlight(queue(params).queue(), data.inFlight(queue(params))));
            case "/dead" -> Reply.html(200, pages.deadLetters(deadPage(params), queues.size() > 1
                    ? queues.stream().map(QueueKeys::queue).toList() : List.of()));
            case "/dead/letter" -> {
                QueueKeys keys = queue(params);
                String id = required(params, "id");
                yield data.deadLetter(keys, id).map(letter -> Reply.html(200, pages.letter(keys.queue(), letter)))
                        .orElseGet(() -> Reply.html(404, pages.message("No such dead letter",
                                "No dead letter " + id + " in " + keys.deadRecords()
                                        + ": retried or deleted meanwhile?")));
            }
            case "/delayed" -> Reply.html(200, pages.waiting(delayedPage(params), queueNames()));
            case "/retries" -> Reply.html(200, pages.waiting(retryPage(params), queueNames()));
            case "/parked" -> Reply.html(200, pages.parked(parkedPage(params), queueNames()));
            case "/schedules" -> Reply.html(200, pages.schedules(queue(params).queue(),
                    data.schedules(queue(params)), queueNames()));
            case "/hosts" -> Reply.html(200, pages.hosts(queues.stream().map(data::status).toList()));
            case "/plugins" -> Reply.html(200, pages.plugins(queue(params).queue(), data.plugins(queue(params))));
            case "/api/overview" -> json(200, ordered("host", hostId, "queues", queues.stream().map(data::overview)
                    .map(DashboardData.QueueSummary::of).toList()));
            case "/api/dead" -> json(200, deadPage(params));
            case "/api/dead/letter" -> {
                QueueKeys keys = queue(params);
                String id = required(params, "id");
                yield data.deadLetter(keys, id).map(letter -> json(200, letter)).orElseGet(() -> json(404,
                        Map.of("error", "no dead letter " + id + " in " + keys.deadRecords())));
            }
            case "/api/delayed" -> json(200, delayedPage(params));
            case "/api/retries" -> json(200, retryPage(params));
            case "/api/parked" -> json(200, parkedPage(params));
            case "/api/schedules" -> json(200, ordered("queue", queue(params).queue(), "schedules",
                    data.schedules(queue(params))));
            case "/api/hosts" -> json(200, ordered("queues", queues.stream().map(data::status).toList()));
            case "/api/in-flight" -> json(200, ordered("queue", queue(params).queue(), "tasks",
                    data.inFlight(queue(params))));
            case "/api/plugins" -> json(200, ordered("queue", queue(params).queue(), "hosts",
                    data.plugins(queue(params))));
            case "/api/session" -> json(200, ordered("host", hostId, "csrfToken", access.csrfToken(),
                    "readOnly", access.readOnly()));
            default -> path.startsWith("/api/") ? json(404, Map.of("error", "no such endpoint: " + path))
                    : Reply.html(404, pages.message("Not found", "No page " + path + "."));
        };
    }

    private Reply post(String path, Map<String, String> params) {
        if (path.equals("/login")) {
            return login(params);
        }
        boolean api = path.startsWith("/api/");
        String action = api ? path.substring("/api".length()) : path;
        QueueKeys keys = queue(params);
        var deadLetters = new DeadLetters(redis, keys);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queue", keys.queue());
        switch (action) {
            case "/dead/retry" -> result.put("retried", deadLetters.retry(required(params, "id")).isPresent() ? 1 : 0);
            case "/dead/delete" -> result.put("deleted", deadLetters.delete(required(params, "id")) ? 1 : 0);
            case "/dead/retry-matching" -> result.put("retried", data.matching(keys, filter(params)).stream()
                    .filter(id -> deadLetters.retry(id).isPresent()).count());
            case "/dead/delete-matching" -> result.put("deleted", data.matching(keys, filter(params)).stream()
                    .filter(deadLetters::delete).count());
            case "/delayed/run-now" -> result.put("ran", new DelayedTasks(redis, keys).pushNow(required(params, "id"))
                    .isPresent() ? 1 : 0);
            case "/delayed/delete" -> result.put("deleted", new DelayedTasks(redis, keys).cancel(required(params, "id"))
                    .isPresent() ? 1 : 0);
            case "/retries/run-now" -> result.put("ran", new WaitingRetries(redis, keys).runNow(required(params, "id"))
                    .isPresent() ? 1 : 0);
            case "/retries/delete" -> result.put("deleted", new WaitingRetries(redis, keys)
                    .delete(required(params, "id")).isPresent() ? 1 : 0);
            case "/hosts/pause", "/hosts/resume" -> {
                Optional<String> host = Optional.ofNullable(params.get("host")).filter(text -> !text.isBlank());
                if (host.isPresent() && !redis.hexists(keys.hosts(), host.get())) {
                    throw new BadRequest(404, "no host " + host.get() + " is registered in " + keys.hosts());
                }
                var flags = new PauseFlags(redis, keys);
                if (action.endsWith("pause")) {
                    flags.pause(host);
                } else {
                    flags.resume(host);
                }
                result.put(action.endsWith("pause") ? "paused" : "resumed", host.orElse("every host"));
            }
            default -> {
                return api ? json(404, Map.of("error", "no such action: " + path))
                        : Reply.html(404, pages.message("Not found", "No action " + path + "."));
            }
        }
        log.info("dashboard: {} {}", action, result);
        return api ? json(200, result) : Reply.redirect(back(params.get("back")));
    }

    private Reply login(Map<String, String> params) {
        if (!access.tokenRequired()) {
            return Reply.redirect("/");
        }
        if (!access.isToken(params.get("token"))) {
            return Reply.html(401, pages.login("That is not this host's token."));
        }
        return new Reply(303, "text/plain; charset=utf-8", new byte[0],
                Map.of("Location", "/", "Set-Cookie", access.sessionCookie()));
    }

    private DashboardData.LetterPage deadPage(Map<String, String> params) {
        long offset = number(params, "offset", 0, 0, Long.MAX_VALUE);
        int limit = (int) number(params, "limit", 20, 1, DashboardData.MAX_PAGE);
        return data.deadLetters(queue(params), offset, limit, filter(params));
    }

    private DashboardData.WaitingPage delayedPage(Map<String, String> params) {
        return data.delayed(queue(params), number(params, "offset", 0, 0, Long.MAX_VALUE),
                (int) number(params, "limit", 20, 1, DashboardData.MAX_PAGE));
    }

    private DashboardData.WaitingPage retryPage(Map<String, String> params) {
        return data.retries(queue(params), number(params, "offset", 0, 0, Long.MAX_VALUE),
                (int) number(params, "limit", 20, 1, DashboardData.MAX_PAGE));
    }

    private DashboardData.ParkedPage parkedPage(Map<String, String> params) {
        String taskClass = Optional.ofNullable(params.get("class")).map(String::trim).filter(text -> !text.isEmpty())
                .orElse(null);
        return data.parked(queue(params), taskClass, number(params, "offset", 0, 0, Long.MAX_VALUE),
                (int) number(params, "limit", 20, 1, DashboardData.MAX_PAGE));
    }

    private static DashboardData.Filter filter(Map<String, String> params) {
        return new DashboardData.Filter(params.get("class"), params.get("worker"), params.get("cause"));
    }

    private List<String> queueNames() {
        return queues.stream().map(QueueKeys::queue).toList();
    }

    private QueueKeys queue(Map<String, String> params) {
        String name = params.get("queue");
        if (name == null || name.isBlank()) {
            return queues.get(0);
        }
        return queues.stream().filter(keys -> keys.queue().equals(name)).findFirst()
                .orElseThrow(() -> new BadRequest(404, "this host serves no queue " + name));
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new BadRequest(400, "parameter " + name + " is missing");
        }
        return value;
    }

    private static long number(Map<String, String> params, String name, long fallback, long min, long max) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "parameter " + name + " must be a number, not " + value);
        }
    }

    /** A path on this site only: no scheme, no other host. */
    static String back(String back) {
        if (back == null || !back.startsWith("/") || back.startsWith("//") || back.contains("\\")
                || back.chars().anyMatch(Character::isISOControl)) {
            return "/";
        }
        return back;
    }

    /** A JSON object whose fields keep the order given: name, value, name, value... */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    private Reply json(int status, Object body) {
        try {
            return new Reply(status, JSON, mapper.writeValueAsBytes(body), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", reply.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "same-origin");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        reply.headers().forEach(headers::set);
        if ("HEAD".equals(exchange.getRequestMethod()) || reply.body().length == 0) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(reply.body());
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + name + " next to " + Dashboard.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request the dashboard cannot serve, with the status that says so. */
    private static final class BadRequest extends RuntimeException {

        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
