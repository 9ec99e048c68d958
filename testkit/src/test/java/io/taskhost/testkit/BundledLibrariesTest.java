package io.taskhost.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import org.junit.jupiter.api.Test;

/**
 * The bundled-jackson plugin bundles Jackson 2.15, relocated, into its jar; the worker runtime
 * brings its own, newer Jackson first on the class path.
 */
class BundledLibrariesTest {

    private static final String PARAMS = "{\"b\":2,\"a\":1}";

    @Test
    void aRelocatedLibraryServesThePluginInAWorkerJvmBesideTheRuntimesOwnVersion() {
        try (PluginTasks tasks = PluginTasks.forked(TestPlugins.bundledJacksonJar())) {
            JsonNode result = tasks.run("JacksonTasks", "describe", PARAMS).assertPassed().result();
            assertEquals("2.15.4", result.get("jackson").asText());
            assertEquals("io.taskhost.examples.bundledjackson.shaded.jackson.databind.ObjectMapper",
                    result.get("mapper").asText());
            assertEquals("{\"a\":1,\"b\":2}", result.get("params").asText());
        }
    }

    @Test
    void aRelocatedLibraryServesThePluginInProcessToo() {
        try (PluginTasks tasks = PluginTasks.inProcess(TestPlugins.bundledJacksonJar())) {
            tasks.run("JacksonTasks", "describe", PARAMS).assertPassed();
        }
    }

    /** Why the plugin relocates: its classes, before shading, get the runtime's Jackson. */
    @Test
    void anUnrelocatedCopyIsShadowedByTheRuntimesVersion() {
        try (PluginTasks tasks = PluginTasks.forked(TestPlugins.bundledJacksonClasses())) {
            JsonNode result = tasks.run("JacksonTasks", "describe", PARAMS).assertPassed().result();
            assertEquals(PackageVersion.VERSION.toString(), result.get("jackson").asText());
        }
    }
}
