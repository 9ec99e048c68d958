package io.taskhost.testkit;

import java.nio.file.Path;

/** The example plugins the build made before these tests; surefire names where they are. */
final class TestPlugins {

    private TestPlugins() {
    }

    static Path fixturesJar() {
        return built("taskhost.test.fixtures-jar");
    }

    static Path fixturesClasses() {
        return built("taskhost.test.fixtures-classes");
    }

    static Path bundledJacksonJar() {
        return built("taskhost.test.bundled-jackson-jar");
    }

    static Path bundledJacksonClasses() {
        return built("taskhost.test.bundled-jackson-classes");
    }

    private static Path built(String property) {
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException(property + " is not set; run these tests with Maven, from the reactor");
        }
        return Path.of(path);
    }
}
