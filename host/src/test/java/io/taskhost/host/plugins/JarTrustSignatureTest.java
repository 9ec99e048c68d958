package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.plugins.TrustSettings.PermissionMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jars signed with the JDK's jarsigner, checked against truststores made with its keytool. */
class JarTrustSignatureTest {

    private static final String GREETER_CLASS = "com/example/greeter/Greeter.class";

    @TempDir
    static Path keys;

    @TempDir
    Path temp;

    private static Path unsignedPlugin;
    private static Path signingKeys;
    private static Path otherKeys;
    private static Path caKeys;
    private static Path truststore;

    @BeforeAll
    static void makeKeysAndAPlugin() throws IOException {
        signingKeys = JdkSigning.keyPair(keys.resolve("signing.p12"), "trusted");
        otherKeys = JdkSigning.keyPair(keys.resolve("other.p12"), "other");
        caKeys = JdkSigning.keyPair(keys.resolve("ca.p12"), "ca", "-ext", "bc:c");
        JdkSigning.keyPair(caKeys, "issued");
        JdkSigning.issueBy(caKeys, "ca", "issued");
        truststore = JdkSigning.trust(signingKeys, "trusted", keys.resolve("truststore.p12"), "PKCS12");
        unsignedPlugin = HotLoadingTest.greeter("1.0.0").build(Files.createDirectories(keys.resolve("build")));
    }

    @Test
    void aJarSignedByATrustedKeyIsAccepted() throws IOException {
        Path jar = JdkSigning.sign(plugin(), signingKeys, "trusted");
        assertEquals(Optional.empty(), check(trustingKeystore(truststore), jar));
    }

    @Test
    void anUnsignedJarIsRejectedWithTheJarsignerAdvice() throws IOException {
        assertEquals(Optional.of("not signed; sign it with jarsigner using a key trusted by " + truststore),
                check(trustingKeystore(truststore), plugin()));
    }

    @Test
    void aJarSignedByAnUntrustedKeyIsRejected() throws IOException {
        Path jar = JdkSigning.sign(plugin(), otherKeys, "other");
        String reason = check(trustingKeystore(truststore), jar).orElseThrow();
        assertTrue(reason.contains("is signed by CN=other, which is neither a trusted certificate in " + truststore),
                reason);
        assertTrue(reason.contains("keytool -importcert"), reason);
    }

    @Test
    void aJarTamperedWithAfterSigningIsRejected() throws IOException {
        Path signed = JdkSigning.sign(plugin(), signingKeys, "trusted");
        Path tampered = JdkSigning.rewrite(signed, temp.resolve("tampered.jar"), JarTrustSignatureTest::flipLastByte,
                GREETER_CLASS);
        String reason = check(trustingKeystore(truststore), tampered).orElseThrow();
        assertTrue(reason.startsWith("its signature does not match its content ("), reason);
        assertTrue(reason.contains(GREETER_CLASS), reason);
        assertTrue(reason.endsWith("sign it again with jarsigner"), reason);
    }

    @Test
    void anEntryAddedAfterSigningIsRejected() throws IOException {
        Path signed = JdkSigning.sign(plugin(), signingKeys, "trusted");
        Path grown = JdkSigning.rewrite(signed, temp.resolve("grown.jar"), content -> content, null,
                "com/example/greeter/Extra.class");
        assertEquals(Optional.of("com/example/greeter/Extra.class is not signed though the rest of the jar is, so it was"
                        + " added after signing; rebuild the jar and sign it again with jarsigner"),
                check(trustingKeystore(truststore), grown));
    }

    @Test
    void anEntryAddedAndSignedByAnUntrustedKeyIsRejected() throws IOException {
        Path signed = JdkSigning.sign(plugin(), signingKeys, "trusted");
        Path grown = JdkSigning.rewrite(signed, temp.resolve("grown.jar"), content -> content, null,
                "com/example/greeter/Extra.class");
        JdkSigning.sign(grown, otherKeys, "other");
        String reason = check(trustingKeystore(truststore), grown).orElseThrow();
        assertTrue(reason.startsWith("com/example/greeter/Extra.class is signed by CN=other, which is neither"), reason);
    }

    @Test
    void aJarSignedByACertificateIssuedByATrustedCaIsAccepted() throws IOException {
        Path caOnly = JdkSigning.trust(caKeys, "ca", temp.resolve("ca-truststore.p12"), "PKCS12");
        Path jar = JdkSigning.sign(plugin(), caKeys, "issued");
        assertEquals(Optional.empty(), check(trustingKeystore(caOnly), jar));
        assertTrue(check(trustingKeystore(truststore), jar).orElseThrow().contains("CN=issued"));
    }

    @Test
    void aSignerClaimingATrustedIssuerThatDidNotIssueItsCertificateIsRejected() throws IOException {
        Path caOnly = JdkSigning.trust(caKeys, "ca", temp.resolve("ca-truststore.p12"), "PKCS12");
        Path forgerKeys = JdkSigning.keyPair(temp.resolve("forger.p12"), "impostor-ca", "-ext", "bc:c", "-dname", "CN=ca");
        JdkSigning.keyPair(forgerKeys, "forger");
        JdkSigning.issueBy(forgerKeys, "impostor-ca", "forger");
        Path claimingTheRealCa = JdkSigning.withChain(forgerKeys, "forger", temp.resolve("forger.jks"),
                JdkSigning.certificate(forgerKeys, "forger"), JdkSigning.certificate(caKeys, "ca"));
        Path jar = JdkSigning.sign(plugin(), claimingTheRealCa, "forger");
        String reason = check(trustingKeystore(caOnly), jar).orElseThrow();
        assertTrue(reason.contains("is signed by CN=forger, which is neither a trusted certificate"), reason);
    }

    @Test
    void aJksTruststoreIsRecognizedByItsContent() throws IOException {
        Path jks = JdkSigning.trust(signingKeys, "trusted", temp.resolve("truststore.p12-but-jks"), "JKS");
        Path jar = JdkSigning.sign(plugin(), signingKeys, "trusted");
        assertEquals(Optional.empty(), check(trustingKeystore(jks), jar));
    }

    @Test
    void aWrongKeystorePasswordFailsAtStartupNamingTheKeystoreButNotThePassword() {
        var settings = new TrustSettings(PermissionMode.STRICT, Set.of(), Optional.of(truststore),
                "not-the-password".toCharArray());
        var failure = assertThrows(IllegalArgumentException.class, () -> new JarTrust(settings));
        assertTrue(failure.getMessage().startsWith("cannot open plugin keystore " + truststore), failure.getMessage());
        assertFalse(failure.getMessage().contains("not-the-password"), failure.getMessage());
    }

    @Test
    void aKeystoreThatTrustsNoCertificateFailsAtStartup() {
        var failure = assertThrows(IllegalArgumentException.class, () -> new JarTrust(trustingKeystore(otherKeys)));
        assertTrue(failure.getMessage().contains("has no trusted certificate entry"), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("keytool -importcert -keystore " + otherKeys), failure.getMessage());
    }

    @Test
    void settingsNeverShowTheKeystorePassword() {
        assertFalse(trustingKeystore(truststore).toString().contains(JdkSigning.PASSWORD));
    }

    @Test
    void aSignedPluginStillPassesItsTrialLoad() throws Exception {
        Path jar = JdkSigning.sign(plugin(), signingKeys, "trusted");
        var cached = new JarCache(temp.resolve("cache")).put(jar);
        PluginJar loaded = new PluginInspector().inspect(jar, cached);
        assertEquals("greeter@1.0.0", loaded.label());
    }

    private Path plugin() throws IOException {
        return Files.copy(unsignedPlugin, temp.resolve("greeter-" + System.nanoTime() + ".jar"));
    }

    /** Permissions only warn here, so that these tests do not depend on the umask. */
    private static TrustSettings trustingKeystore(Path keystore) {
        return new TrustSettings(PermissionMode.WARN, Set.of(), Optional.of(keystore), JdkSigning.PASSWORD.toCharArray());
    }

    private Optional<String> check(TrustSettings settings, Path jar) throws IOException {
        var cached = new JarCache(temp.resolve("cache")).put(jar);
        return new JarTrust(settings).rejection(jar.getParent(), jar, cached.path(), cached.sha256());
    }

    private static byte[] flipLastByte(byte[] content) {
        byte[] changed = content.clone();
        changed[changed.length - 1] ^= 1;
        return changed;
    }
}
