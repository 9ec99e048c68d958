package io.taskhost.host.tasks;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What the fetch loop is doing, and since when. Waiting for a free slot or backing off from a
 * failing Redis may last any time; every other step is bounded by the Redis timeouts, so one that
 * lasts well past them means the loop is stuck.
 */
final class FetchLoopWatch {

    enum Activity {
        RECOVERING("recovering tasks left in flight by an earlier run", true),
        WAITING_FOR_SLOT("waiting for a free worker slot", false),
        FETCHING("fetching", true),
        BACKING_OFF("backing off until Redis answers again", false),
        PAUSED("paused by taskhost pause", false),
        WAITING_FOR_HOST_ID("waiting to hold its host id (Redis out of reach, or the id held by another live host:"
                + " see the log)", false);

        private final String description;
        private final boolean bounded;

        Activity(String description, boolean bounded) {
            this.description = description;
            this.bounded = bounded;
        }
    }

    private record State(Activity activity, long sinceNanos) {
    }

    private final Duration limit;
    private final LongSupplier nanoClock;
    private volatile State state;

    /** @param limit how long a bounded step may last before the loop counts as stuck */
    FetchLoopWatch(Duration limit, LongSupplier nanoClock) {
        this.limit = limit;
        this.nanoClock = nanoClock;
        this.state = new State(Activity.RECOVERING, nanoClock.getAsLong());
    }

    void enter(Activity activity) {
        state = new State(activity, nanoClock.getAsLong());
    }

    FetchLoopStatus status(boolean threadAlive) {
        if (!threadAlive) {
            return new FetchLoopStatus(false, "the fetch loop is not running");
        }
        State now = state;
        long millis = Duration.ofNanos(nanoClock.getAsLong() - now.sinceNanos()).toMillis();
        if (now.activity().bounded && millis > limit.toMillis()) {
            return new FetchLoopStatus(false, "stuck: " + now.activity().description + " for " + millis
                    + " ms, longer than " + limit.toMillis() + " ms");
        }
        return new FetchLoopStatus(true, now.activity().description + " for " + millis + " ms");
    }
}
