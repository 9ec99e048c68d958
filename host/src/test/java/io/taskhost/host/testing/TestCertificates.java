package io.taskhost.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and one server certificate it signed, made with the
 * {@code openssl} command, plus truststores holding the CA made with the JDK's {@code keytool}.
 */
public final class TestCertificates {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code openssl} and {@code keytool} are there to make certificates and truststores. */
    public static boolean toolsAvailable() {
        return TestRedis.onPath("openssl") != null && Files.isExecutable(keytool());
    }

    /**
     * @param subjectAltName the server certificate's names, such as {@code IP:127.0.0.1,DNS:localhost}
     */
    public static TestCertificates create(Path dir, String subjectAltName) {
        var certificates = new TestCertificates(dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"), "basicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth\n"
                    + "subjectAltName=" + subjectAltName + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        certificates.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=taskhost test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        certificates.run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=taskhost test redis");
        certificates.run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        return certificates;
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /**
     * A new truststore holding the CA certificate.
     *
     * @param storeType {@code PKCS12} or {@code JKS}
     * @param fileName  its name in the certificates' directory; the extension need not tell the type
     */
    public Path truststore(String storeType, String fileName, String password) {
        run(keytool().toString(), "-importcert", "-noprompt", "-alias", "taskhost-test-ca", "-file", "ca.crt",
                "-keystore", fileName, "-storetype", storeType, "-storepass", password);
        return dir.resolve(fileName);
    }

    private static Path keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    private void run(String... command) {
        Path log = dir.resolve("tools.log");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + List.of(command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(List.of(command) + " exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }
}
