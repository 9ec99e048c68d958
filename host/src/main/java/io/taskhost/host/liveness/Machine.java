package io.taskhost.host.liveness;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The machine a host runs on, as far as host ids need to know it: its hostname, the id of its
 * current boot, and the pid namespace the host sees. Two hosts with the same boot id and pid
 * namespace see the same processes, so one can tell for sure whether the other is dead; cloned
 * virtual machines and containers share hostnames, but never both of these.
 *
 * @param bootId       Linux's {@code /proc/sys/kernel/random/boot_id}; empty where there is none
 * @param pidNamespace the target of {@code /proc/self/ns/pid}, such as {@code pid:[4026531836]}; empty where there is none
 */
public record Machine(String hostname, String bootId, String pidNamespace) {

    /** The machine this JVM runs on. */
    public static Machine current() {
        return new Machine(localHostname(), read(Path.of("/proc/sys/kernel/random/boot_id")), ownPidNamespace());
    }

    /**
     * The host id a host gets unless it is given one: the hostname, a dash, and 8 hex digits of a
     * digest of the boot id and pid namespace. A restart keeps it, so a restarted host recovers
     * its own tasks at once; a reboot, a clone or another container gets a new one, and the old
     * id's tasks are recovered once its heartbeat has lapsed.
     */
    public String defaultHostId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((bootId + "\n" + pidNamespace + "\n" + hostname).getBytes(StandardCharsets.UTF_8));
            return hostname + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Whether a process that runs on {@code other} is one this host can see, and so can tell dead for sure. */
    boolean seesProcessesOf(Machine other) {
        return !bootId.isEmpty() && !pidNamespace.isEmpty() && bootId.equals(other.bootId)
                && pidNamespace.equals(other.pidNamespace);
    }

    private static String localHostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (!name.isBlank()) {
                return name;
            }
        } catch (IOException e) {
            // A hostname that does not resolve is still a name: the kernel's is read below.
        }
        String kernel = read(Path.of("/proc/sys/kernel/hostname"));
        return kernel.isEmpty() ? "localhost" : kernel;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String ownPidNamespace() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
