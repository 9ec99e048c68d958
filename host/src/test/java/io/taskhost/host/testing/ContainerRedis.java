package io.taskhost.host.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Redis in a container, for machines with a Docker engine and no redis-server. */
final class ContainerRedis {

    private static final DockerImageName IMAGE = DockerImageName.parse("redis:7.4-alpine");

    private ContainerRedis() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static TestRedis start() {
        GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(6379);
        container.start();
        String url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
        return TestRedis.of(url, "Testcontainers " + IMAGE, container::stop);
    }
}
