package io.taskhost.host.outcomes;

/** What recording an outcome does with the task besides taking it off a processing list. */
public sealed interface Disposition {

    /** It passed: nothing more to do. */
    record Completed() implements Disposition {
    }

    /** Run it again once {@code dueAt} (epoch millis) has passed, as {@code nextPayload}. */
    record RetryLater(byte[] nextPayload, long dueAt) implements Disposition {
    }

    /** Put {@code nextPayload} back at the consuming end of the queue now. */
    record Requeue(byte[] nextPayload) implements Disposition {
    }

    /**
     * Wait, without an outcome record, for a plugin that provides the task's class.
     *
     * @param member    the task's entry, so that identical payloads park apart
     * @param taskClass the class it waits for, under which it is indexed
     * @param until     epoch millis when it is dead-lettered if no plugin came
     */
    record Park(byte[] member, String taskClass, long until) implements Disposition {
    }

    /** Give up: keep the producer's {@code originalPayload} in the dead letters. */
    record DeadLetter(byte[] originalPayload) implements Disposition {
    }
}
