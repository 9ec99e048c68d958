package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A redis-server of the test's own that lets nobody in without a password: the default user has
 * {@link #DEFAULT_USER_PASSWORD}, and the ACL user {@link #USER} has {@link #PASSWORD} and every
 * permission. {@link #withTls} makes it speak TLS only, with a certificate from {@link TestCertificates}.
 */
public final class SecureRedis implements AutoCloseable {

    public static final String USER = "taskhost";
    public static final String PASSWORD = "s3cret";
    public static final String DEFAULT_USER_PASSWORD = "d3fault-s3cret";

    private static Boolean tlsBuilt;

    private final Process process;
    private final String scheme;
    private final int port;

    private SecureRedis(Process process, String scheme, int port) {
        this.process = process;
        this.scheme = scheme;
        this.port = port;
    }

    /** Plain TCP, passwords required. */
    public static SecureRedis withAcl(Path dir) {
        int port = TestRedis.freePort();
        return start(dir, "redis", port, List.of("--port", Integer.toString(port)));
    }

    /** TLS only, passwords required; clients need no certificate of their own. */
    public static SecureRedis withTls(Path dir, TestCertificates certificates) {
        int port = TestRedis.freePort();
        return start(dir, "rediss", port, List.of("--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", certificates.serverCert().toString(),
                "--tls-key-file", certificates.serverKey().toString(),
                "--tls-ca-cert-file", certificates.caCert().toString(),
                "--tls-auth-clients", "no"));
    }

    /**
     * Whether redis-server was built with TLS. A build without it does not know the
     * {@code tls-port} directive; one with it exits because it is told to listen nowhere.
     */
    public static synchronized boolean tlsBuilt() {
        if (tlsBuilt == null) {
            try {
                Process probe = new ProcessBuilder(TestRedis.redisServerBinary().toString(), "--port", "0",
                        "--tls-port", "0", "--save", "", "--appendonly", "no")
                        .redirectErrorStream(true)
                        .start();
                String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                probe.waitFor();
                tlsBuilt = !output.contains("Bad directive");
            } catch (IOException e) {
                throw new UncheckedIOException("could not run redis-server", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while probing redis-server", e);
            }
        }
        return tlsBuilt;
    }

    private static SecureRedis start(Path dir, String scheme, int port, List<String> listening) {
        Path log = dir.resolve("redis-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(TestRedis.redisServerBinary().toString(),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--requirepass", DEFAULT_USER_PASSWORD,
                "--user", USER, "on", ">" + PASSWORD, "~*", "&*", "+@all"));
        command.addAll(listening);
        Process process;
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server", e);
        }
        var redis = new SecureRedis(process, scheme, port);
        try {
            Eventually.within(Duration.ofSeconds(30), "redis-server on port " + port + " ready", () -> {
                String output = read(log);
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server on port " + port + " exited:\n" + output);
                }
                return output.contains("Ready to accept connections");
            });
        } catch (RuntimeException | AssertionError e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user a client is logged in as: ACL WHOAMI, which UnifiedJedis has no method for. */
    public static String whoAmI(UnifiedJedis redis) {
        return SafeEncoder.encode((byte[]) redis.sendCommand(Protocol.Command.ACL, "WHOAMI"));
    }

    public int port() {
        return port;
    }

    /** The URL of the ACL user, password included. */
    public String url() {
        return url(USER, PASSWORD);
    }

    public String url(String user, String password) {
        return scheme + "://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    /** For {@link TestHosts#settings}; its {@link TestRedis#client()} cannot speak TLS to it. */
    public TestRedis server() {
        return TestRedis.of(url(), "secured redis-server", () -> { });
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
