package io.taskhost.host.cli;

import io.taskhost.host.Host;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.RedisConnector;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code taskhost run}: the daemon. SIGTERM or SIGINT stop it cleanly, with exit code 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Consume the queue until SIGTERM or SIGINT; running tasks get the shutdown grace to finish.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    HostOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HostSettings settings;
        try {
            var defaults = spec.defaultValueProvider();
            settings = defaults instanceof SettingsDefaults file ? options.toSettings(file.pluginLimits(), file.schedules())
                    : options.toSettings(Map.of());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid setting: " + e.getMessage());
        }
        log.info("effective configuration: {}", settings);
        var stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Host host;
        try {
            host = Host.start(settings, () -> stop.getCount() == 0);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid setting: "
                    + RedisConnector.withoutPassword(e.getMessage(), settings.redisUrl()));
        } catch (IllegalStateException e) {
            if (stop.getCount() == 0) {
                log.info("stopped while starting: {}", RedisConnector.withoutPassword(e.getMessage(),
                        settings.redisUrl()));
                return 0;
            }
            log.error("cannot start: {}", RedisConnector.withoutPassword(e.getMessage(), settings.redisUrl()));
            return 1;
        }
        try (host) {
            stop.await();
            log.info("stop requested; fetching no new tasks, waiting up to {} for running ones", settings.shutdownGrace());
        }
        return 0;
    }
}
