package io.taskhost.host.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see and change what, for every request to the HTTP endpoint. With a token, every path
 * but {@code /health}, the login form and the static script needs it, as {@code Authorization:
 * Bearer <token>} or as the session cookie the login form sets. Every POST must come from this
 * site (its {@code Origin} and {@code Sec-Fetch-Site}, when a browser sends them) and carry the
 * CSRF token (form field {@code csrf} or header {@code X-CSRF-Token}), unless it carries the
 * bearer token, which a browser never adds to a cross-site request. Read-only refuses every POST
 * but the login. Tokens are compared in constant time.
 */
final class Access extends Filter {

    static final String COOKIE = "taskhost_session";
    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final byte[] token;
    private final String session;
    private final String csrf;
    private final boolean readOnly;

    /** @param token null for none, which only a loopback address may go without */
    Access(String token, boolean readOnly, SecureRandom random) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.session = token == null ? null : hmac(this.token, "taskhost dashboard session");
        byte[] csrfBytes = new byte[32];
        random.nextBytes(csrfBytes);
        this.csrf = HexFormat.of().formatHex(csrfBytes);
        this.readOnly = readOnly;
    }

    String csrfToken() {
        return csrf;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean tokenRequired() {
        return token != null;
    }

    @Override
    public String description() {
        return "token, same-origin and CSRF checks";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (tokenRequired() && !open(path) && !bearer(exchange) && !cookie(exchange)) {
            boolean page = "GET".equals(method) && !path.startsWith("/api/") && !Routes.PATHS.contains(path);
            if (page) {
                exchange.getResponseHeaders().set("Location", "/login");
                refuse(exchange, 303, "log in at /login\n");
            } else {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"taskhost\"");
                refuse(exchange, 401, "this endpoint needs the host's --http-token: send 'Authorization: Bearer"
                        + " <token>', or log in at /login\n");
            }
            return;
        }
        // /health, /metrics and /status take only GET and HEAD; Routes answers anything else 405.
        if ("POST".equals(method) && !Routes.PATHS.contains(path)) {
            if (readOnly && !"/login".equals(path)) {
                refuse(exchange, 403, "this host's dashboard is read-only (--http-read-only)\n");
                return;
            }
            if (!sameSite(exchange)) {
                refuse(exchange, 403, "cross-site request refused: Origin or Sec-Fetch-Site is not this site\n");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_FORM_BYTES + 1);
            }
            if (body.length > MAX_FORM_BYTES) {
                refuse(exchange, 413, "form larger than " + MAX_FORM_BYTES + " bytes\n");
                return;
            }
            // Handed on as the body again: an exchange's attributes belong to its context, shared by every request.
            exchange.setStreams(new ByteArrayInputStream(body), null);
            Map<String, String> form = form(exchange, body);
            String presented = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
            if (presented == null) {
                presented = form.get(CSRF_FIELD);
            }
            if (!equal(presented, csrf) && !bearer(exchange)) {
                refuse(exchange, 403, "missing or wrong CSRF token: reload the page, or send the bearer token\n");
                return;
            }
        }
        chain.doFilter(exchange);
    }

    /** Whether {@code presented} is the token; for the login form. */
    boolean isToken(String presented) {
        return token != null && presented != null
                && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The login cookie: HttpOnly, SameSite=Strict, for the whole endpoint, until the browser closes. */
    String sessionCookie() {
        return COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict";
    }

    private static boolean open(String path) {
        return path.equals("/health") || path.equals("/login") || path.startsWith("/static/");
    }

    private boolean bearer(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (token == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private boolean cookie(HttpExchange exchange) {
        List<String> headers = exchange.getRequestHeaders().get("Cookie");
        if (session == null || headers == null) {
            return false;
        }
        for (String header : headers) {
            for (String pair : header.split(";")) {
                String trimmed = pair.trim();
                if (trimmed.startsWith(COOKIE + "=") && equal(trimmed.substring(COOKIE.length() + 1), session)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A browser says where a request comes from; a script sends neither header, and needs the CSRF
     * or bearer token instead.
     */
    private static boolean sameSite(HttpExchange exchange) {
        String fetchSite = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    /** A POST's url-encoded form; empty for any other kind of body. */
    static Map<String, String> form(HttpExchange exchange, byte[] body) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> form = new LinkedHashMap<>();
        if (type == null || type.startsWith("application/x-www-form-urlencoded")) {
            form.putAll(decode(new String(body, StandardCharsets.UTF_8)));
        }
        return form;
    }

    /** A query string or a form body as names to their first value. */
    static Map<String, String> decode(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                values.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                // A malformed escape: the pair is dropped, as a browser would never send it.
            }
        }
        return values;
    }

    private static boolean equal(String presented, String expected) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    static void refuse(HttpExchange exchange, int status, String text) throws IOException {
        try (exchange) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
