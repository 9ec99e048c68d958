package io.taskhost.host.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a test's Redis that can lose one reply on purpose: once armed with a
 * fragment of a command, it forwards the next command that contains it, lets Redis run it, and
 * then closes the client's connection instead of passing the reply on. The client sees the
 * worst moment there is: its write happened, and it cannot know.
 */
public final class FaultyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicReference<byte[]> armed = new AtomicReference<>();
    private final AtomicInteger repliesLost = new AtomicInteger();
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> forwarded = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean open = true;

    private FaultyProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = new Thread(this::accept, "faulty-proxy-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** A proxy on a free loopback port in front of {@code redisUrl} ({@code redis://host:port}). */
    public static FaultyProxy inFrontOf(String redisUrl) {
        var uri = java.net.URI.create(redisUrl);
        try {
            var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new FaultyProxy(server, new InetSocketAddress(uri.getHost(), uri.getPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** The proxy as a test Redis, for a host's settings. */
    public TestRedis server() {
        return TestRedis.of(url(), "faulty proxy in front of " + target, () -> { });
    }

    /** How many commands that contain {@code fragment} it has passed on to Redis so far. */
    public int forwarded(String fragment) {
        return forwarded.getOrDefault(fragment, 0);
    }

    /** Starts counting the commands that contain {@code fragment}. */
    public void count(String fragment) {
        forwarded.putIfAbsent(fragment, 0);
    }

    /** Loses the reply to the next command whose bytes contain {@code fragment}, once. */
    public void loseReplyTo(String fragment) {
        armed.set(fragment.getBytes(StandardCharsets.UTF_8));
    }

    /** How many replies it has lost so far. */
    public int repliesLost() {
        return repliesLost.get();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                var connection = new Connection(client, upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), connection, true);
                pump(upstream.getInputStream(), client.getOutputStream(), connection, false);
            } catch (IOException e) {
                if (open) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** One client's connection; {@code doomed} once it carried the armed command. */
    private static final class Connection {
        final Socket client;
        final Socket upstream;
        volatile boolean doomed;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void pump(InputStream in, OutputStream out, Connection connection, boolean towardsRedis) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (towardsRedis) {
                        for (String counted : forwarded.keySet()) {
                            if (contains(buffer, read, counted.getBytes(StandardCharsets.UTF_8))) {
                                forwarded.merge(counted, 1, Integer::sum);
                            }
                        }
                        byte[] fragment = armed.get();
                        if (fragment != null && contains(buffer, read, fragment) && armed.compareAndSet(fragment, null)) {
                            connection.doomed = true;
                        }
                    } else if (connection.doomed) {
                        // Redis ran the command and answered: the answer is what gets lost.
                        repliesLost.incrementAndGet();
                        connection.close();
                        return;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // One side went away; the other follows.
            }
            connection.close();
        }, "faulty-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean contains(byte[] buffer, int length, byte[] fragment) {
        outer:
        for (int i = 0; i + fragment.length <= length; i++) {
            for (int j = 0; j < fragment.length; j++) {
                if (buffer[i + j] != fragment[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // Already closed.
        }
        sockets.forEach(FaultyProxy::closeQuietly);
    }
}
