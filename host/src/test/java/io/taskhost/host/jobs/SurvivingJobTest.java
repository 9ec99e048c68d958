package io.taskhost.host.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** A repeating job's failures are logged once per streak: a Redis outage as a warning, anything else as an error. */
class SurvivingJobTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(SurvivingJob.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void aRedisOutageIsAWarningThatSaysWhyWithoutAStackTrace() {
        new SurvivingJob("recovering dead peers", Duration.ofSeconds(1), () -> {
            throw new JedisConnectionException("Failed to connect to 10.0.0.2:7001.",
                    new java.net.ConnectException("Connection refused"));
        }, System::nanoTime).run();

        assertEquals(1, logged.list.size());
        ILoggingEvent event = logged.list.get(0);
        assertEquals(Level.WARN, event.getLevel());
        assertTrue(event.getFormattedMessage().contains("Failed to connect to 10.0.0.2:7001.: Connection refused"),
                event.getFormattedMessage());
        assertNull(event.getThrowableProxy(), "an outage is no bug: no stack trace");
    }

    @Test
    void aRealRedisErrorIsAnErrorWithItsStackTrace() {
        new SurvivingJob("moving due retries", Duration.ofSeconds(1), () -> {
            throw new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value");
        }, System::nanoTime).run();

        assertEquals(1, logged.list.size());
        assertEquals(Level.ERROR, logged.list.get(0).getLevel());
        assertNotNull(logged.list.get(0).getThrowableProxy());
    }
}
