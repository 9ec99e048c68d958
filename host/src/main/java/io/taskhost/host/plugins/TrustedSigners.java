package io.taskhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The signers a plugin jar may come from: certificates that are, or are issued by, a trusted
 * certificate entry of a keystore. A jar passes when every entry but its signature files is signed
 * by such a signer; one trusted signer somewhere in the jar is not enough, since entries added
 * later can carry a signature of their own.
 */
final class TrustedSigners {

    private final Path keystore;
    private final List<Certificate> trusted;

    private TrustedSigners(Path keystore, List<Certificate> trusted) {
        this.keystore = keystore;
        this.trusted = List.copyOf(trusted);
    }

    /**
     * Reads the trusted certificate entries of a PKCS12 or JKS keystore, whichever it is.
     *
     * @throws IllegalArgumentException naming the keystore, if it cannot be read or trusts nobody
     */
    static TrustedSigners load(Path keystore, char[] password) {
        if (!Files.isRegularFile(keystore)) {
            throw new IllegalArgumentException("plugin keystore " + keystore + " does not exist or is not a regular file");
        }
        List<Certificate> trusted = new ArrayList<>();
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), password);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias)) {
                    trusted.add(store.getCertificate(alias));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot open plugin keystore " + keystore + " (" + e.getMessage()
                    + "); it must be a PKCS12 or JKS keystore and the password must be its store password", e);
        }
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("plugin keystore " + keystore + " has no trusted certificate entry, so no"
                    + " plugin could load; import the signer's certificate with keytool -importcert -keystore " + keystore);
        }
        return new TrustedSigners(keystore, trusted);
    }

    /** Why {@code jar} is not signed by a trusted signer, or empty if it is. */
    Optional<String> rejection(Path jar) {
        List<String> unsigned = new ArrayList<>();
        int signed = 0;
        Map<CodeSigner, Boolean> vouchedFor = new HashMap<>();
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.isDirectory() || isSignatureFile(entry.getName())) {
                    continue;
                }
                // Only reading an entry to its end checks its digest and makes its signers known.
                try (InputStream in = file.getInputStream(entry)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null) {
                    unsigned.add(entry.getName());
                    continue;
                }
                boolean trustedSigner = false;
                for (CodeSigner signer : signers) {
                    trustedSigner |= vouchedFor.computeIfAbsent(signer, this::isTrusted);
                }
                if (!trustedSigner) {
                    return Optional.of(entry.getName() + " is signed by " + describe(signers) + ", which is neither a"
                            + " trusted certificate in " + keystore + " nor issued by one; sign the jar with a key trusted"
                            + " by " + keystore + ", or import its signer's certificate there with keytool -importcert");
                }
                signed++;
            }
        } catch (SecurityException e) {
            return Optional.of("its signature does not match its content (" + e.getMessage() + "), so it was changed"
                    + " after signing; rebuild it and sign it again with jarsigner");
        } catch (IOException e) {
            return Optional.of("cannot read it to check its signature (" + e + ")");
        }
        if (signed == 0) {
            return Optional.of("not signed; sign it with jarsigner using a key trusted by " + keystore);
        }
        if (!unsigned.isEmpty()) {
            return Optional.of(unsigned.get(0) + (unsigned.size() > 1 ? " and " + (unsigned.size() - 1) + " more entries are"
                    : " is") + " not signed though the rest of the jar is, so it was added after signing; rebuild the jar"
                    + " and sign it again with jarsigner");
        }
        return Optional.empty();
    }

    /** The signer's certificate, or one it is issued by through its chain, is trusted. */
    private boolean isTrusted(CodeSigner signer) {
        List<? extends Certificate> chain = signer.getSignerCertPath().getCertificates();
        for (int i = 0; i < chain.size(); i++) {
            Certificate certificate = chain.get(i);
            if (trusted.contains(certificate) || trusted.stream().anyMatch(anchor -> isIssuedBy(certificate, anchor))) {
                return true;
            }
            // The chain in a signature block is put together by names alone; without this a chain could
            // claim a trusted issuer its signer's certificate was never issued by.
            if (i + 1 < chain.size() && !isIssuedBy(certificate, chain.get(i + 1))) {
                return false;
            }
        }
        return false;
    }

    private static boolean isIssuedBy(Certificate certificate, Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(CodeSigner[] signers) {
        List<String> names = new ArrayList<>();
        for (CodeSigner signer : signers) {
            Certificate certificate = signer.getSignerCertPath().getCertificates().get(0);
            names.add(certificate instanceof X509Certificate x509 ? x509.getSubjectX500Principal().getName()
                    : certificate.getType() + " certificate");
        }
        return String.join(" and ", names);
    }

    /** The files jarsigner itself writes; they cannot sign themselves. */
    private static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = upper.substring("META-INF/".length());
        return file.equals("MANIFEST.MF") || file.startsWith("SIG-") || file.endsWith(".SF") || file.endsWith(".RSA")
                || file.endsWith(".DSA") || file.endsWith(".EC");
    }
}
