package io.taskhost.host.outcomes;

/**
 * What recording an outcome does with the task besides taking it off a processing list. Its
 * {@link #code()} is both the outcome record's {@code disposition} and what the record script of
 * {@link OutcomeLog} is told to do.
 */
public sealed interface Disposition {

    /** {@code completed}, {@code retry_scheduled}, {@code requeued}, {@code parked} or {@code dead_lettered}. */
    String code();

    /** It passed: nothing more to do. */
    record Completed() implements Disposition {
        @Override
        public String code() {
            return "completed";
        }
    }

    /** Run it again once {@code dueAt} (epoch millis) has passed, as {@code nextPayload}. */
    record RetryLater(byte[] nextPayload, long dueAt) implements Disposition {
        @Override
        public String code() {
            return "retry_scheduled";
        }
    }

    /** Put {@code nextPayload} back at the consuming end of the queue now, as for a task whose host was lost. */
    record Requeue(byte[] nextPayload) implements Disposition {
        @Override
        public String code() {
            return "requeued";
        }
    }

    /**
     * Wait, without an outcome record, for a plugin that provides the task's class.
     *
     * @param member    the task's entry, so that identical payloads park apart
     * @param taskClass the class it waits for, under which it is indexed
     * @param until     epoch millis when it is dead-lettered if no plugin came
     */
    record Park(byte[] member, String taskClass, long until) implements Disposition {
        @Override
        public String code() {
            return "parked";
        }
    }

    /** Give up: keep the producer's {@code originalPayload} in the dead letters. */
    record DeadLetter(byte[] originalPayload) implements Disposition {
        @Override
        public String code() {
            return "dead_lettered";
        }
    }
}
