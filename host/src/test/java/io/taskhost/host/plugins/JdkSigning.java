package io.taskhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Keys, truststores and signed jars made with the keytool and jarsigner of the JDK running the
 * tests, the way a plugin author or an operator makes them.
 */
final class JdkSigning {

    static final String PASSWORD = "store-secret-4711";

    private JdkSigning() {
    }

    /** A PKCS12 keystore holding one new key pair under {@code alias}, with a self-signed certificate. */
    static Path keyPair(Path keystore, String alias, String... extraOptions) {
        List<String> arguments = new ArrayList<>(List.of("-genkeypair", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + alias, "-validity", "2"));
        Collections.addAll(arguments, extraOptions);
        run("keytool", arguments.toArray(String[]::new));
        return keystore;
    }

    /** Imports the certificate of {@code alias} in {@code keystore} into {@code truststore} as trusted. */
    static Path trust(Path keystore, String alias, Path truststore, String storeType) {
        Path certificate = keystore.resolveSibling(alias + "-" + System.nanoTime() + ".cer");
        run("keytool", "-exportcert", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", alias,
                "-file", certificate.toString());
        run("keytool", "-importcert", "-noprompt", "-keystore", truststore.toString(), "-storetype", storeType,
                "-storepass", PASSWORD, "-alias", alias, "-file", certificate.toString());
        return truststore;
    }

    /** Replaces the self-signed certificate of {@code alias} by one issued by {@code caAlias} of the same keystore. */
    static void issueBy(Path keystore, String caAlias, String alias) {
        Path request = keystore.resolveSibling(alias + ".csr");
        Path issued = keystore.resolveSibling(alias + "-issued.cer");
        run("keytool", "-certreq", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", alias,
                "-file", request.toString());
        run("keytool", "-gencert", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", caAlias,
                "-infile", request.toString(), "-outfile", issued.toString(), "-validity", "2");
        run("keytool", "-importcert", "-noprompt", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-alias", alias, "-file", issued.toString());
    }

    /**
     * Copies the key of {@code alias} into a new JKS keystore with {@code chain} as its certificate
     * chain, unchecked; jarsigner then puts that chain into the signatures it makes. JKS keeps a
     * chain as given, where PKCS12 would rebuild it from the certificates it holds.
     */
    static Path withChain(Path keystore, String alias, Path jksCopy, Certificate... chain) {
        try {
            Key key = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray()).getKey(alias, PASSWORD.toCharArray());
            KeyStore copy = KeyStore.getInstance("JKS");
            copy.load(null, null);
            copy.setKeyEntry(alias, key, PASSWORD.toCharArray(), chain);
            try (OutputStream out = Files.newOutputStream(jksCopy)) {
                copy.store(out, PASSWORD.toCharArray());
            }
            return jksCopy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Certificate certificate(Path keystore, String alias) {
        try {
            return KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray()).getCertificate(alias);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path sign(Path jar, Path keystore, String alias) {
        run("jarsigner", "-keystore", keystore.toString(), "-storepass", PASSWORD, jar.toString(), alias);
        return jar;
    }

    /** Copies {@code jar} entry by entry, its signature files included, changing entries on the way. */
    static Path rewrite(Path jar, Path copy, UnaryOperator<byte[]> change, String entryToChange, String... addedEntries) {
        try (ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(copy);
             ZipOutputStream out = new ZipOutputStream(file)) {
            boolean changed = false;
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] content;
                try (InputStream entryIn = in.getInputStream(entry)) {
                    content = entryIn.readAllBytes();
                }
                if (entry.getName().equals(entryToChange)) {
                    content = change.apply(content);
                    changed = true;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(content);
                out.closeEntry();
            }
            if (entryToChange != null && !changed) {
                throw new IllegalArgumentException(jar + " has no entry " + entryToChange);
            }
            for (String added : addedEntries) {
                out.putNextEntry(new ZipEntry(added));
                out.write(("added after signing: " + added).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    private static void run(String tool, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", tool).toString());
        Collections.addAll(command, arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(tool + " did not finish: " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(tool + " failed (exit " + process.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
