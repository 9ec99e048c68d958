package io.taskhost.host.retries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.outcomes.Cause;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(1), 3);

    @Test
    void backoffDoublesWithEqualJitterUpToTheCap() {
        assertEquals(Duration.ofMillis(2500), policy.delay(1, () -> 0.0));
        assertEquals(Duration.ofSeconds(5), policy.delay(1, () -> 1.0));
        assertEquals(Duration.ofSeconds(10), policy.delay(2, () -> 1.0));
        assertEquals(Duration.ofSeconds(20), policy.delay(3, () -> 1.0));
        assertEquals(Duration.ofMinutes(1), policy.delay(10, () -> 1.0));
        assertEquals(Duration.ofSeconds(30), policy.delay(60, () -> 0.0), "no overflow on huge attempt numbers");
    }

    @Test
    void anExceptionIsRetriedUntilTheAttemptsRunOut() {
        assertInstanceOf(RetryPolicy.Retry.class, policy.decide(Cause.EXCEPTION, false, 4, 0, 5, () -> 0.5));
        var giveUp = assertInstanceOf(RetryPolicy.GiveUp.class,
                policy.decide(Cause.EXCEPTION, false, 5, 0, 5, () -> 0.5));
        assertEquals("gave up after 5 attempts", giveUp.why());
        assertFalse(giveUp.quarantined());
    }

    @Test
    void badInputAndUnrecoverableFailuresAreNeverRetried() {
        for (Cause cause : new Cause[] {Cause.BAD_PAYLOAD, Cause.UNKNOWN_CLASS, Cause.UNKNOWN_OPERATION,
                Cause.HOST_ERROR}) {
            assertInstanceOf(RetryPolicy.GiveUp.class, policy.decide(cause, false, 1, 0, 5, () -> 0.5), cause.code());
        }
        assertInstanceOf(RetryPolicy.GiveUp.class, policy.decide(Cause.EXCEPTION, true, 1, 0, 5, () -> 0.5));
    }

    @Test
    void theThirdDeathQuarantinesEvenWithAttemptsLeft() {
        assertInstanceOf(RetryPolicy.Retry.class, policy.decide(Cause.WORKER_KILLED, false, 2, 1, 10, () -> 0.5));
        var poison = assertInstanceOf(RetryPolicy.GiveUp.class,
                policy.decide(Cause.TIMEOUT, false, 3, 2, 10, () -> 0.5));
        assertTrue(poison.quarantined());
        assertInstanceOf(RetryPolicy.Retry.class, policy.decide(Cause.EXCEPTION, false, 3, 2, 10, () -> 0.5),
                "an ordinary exception is not a death");
    }
}
