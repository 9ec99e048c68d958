package io.taskhost.host.queue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/**
 * The queues one host consumes, and in which order each fetch tries them: {@code a,b,c} is strict
 * order (a task from {@code b} starts only when {@code a} had nothing to give at that fetch), and
 * {@code a:5,b:1} is weighted order (each fetch draws an order at random, a queue's chance of coming
 * before the others' in proportion to its weight, as Sidekiq's weighted queues do).
 *
 * @param queues  the queue keys as given, the first being the host's first queue
 * @param weights each queue's weight, or empty for strict order
 */
public record QueueSelection(List<QueueKeys> queues, List<Integer> weights) {

    private static final Pattern WEIGHTED = Pattern.compile("(.*):\\s*([-+]?\\d+)");

    public QueueSelection {
        queues = List.copyOf(queues);
        weights = List.copyOf(weights);
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a host consumes at least one queue");
        }
        if (!weights.isEmpty() && weights.size() != queues.size()) {
            throw new IllegalArgumentException("either every queue has a weight or none has");
        }
    }

    /** One queue: what a host consumed before it could consume several. */
    public static QueueSelection of(String queue) {
        return new QueueSelection(List.of(new QueueKeys(queue)), List.of());
    }

    /**
     * Reads {@code a,b,c} or {@code a:5,b:1}. A queue name is anything a Redis key may be except
     * braces (they would change its Cluster hash tag) and commas; in a list, a colon followed by a whole
     * number ends a name and gives its weight.
     *
     * @throws IllegalArgumentException saying which part of {@code text} is wrong
     */
    public static QueueSelection parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no queue given: name one or more, such as a,b or a:5,b:1");
        }
        if (!text.contains(",")) {
            return of(text); // one queue, its name taken whole as before, colons and all
        }
        List<QueueKeys> queues = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        var seen = new HashSet<String>();
        String[] parts = text.split(",", -1);
        for (String part : parts) {
            String item = part.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty queue name in '" + text + "': separate names by one comma");
            }
            var weighted = WEIGHTED.matcher(item);
            int colon = weighted.matches() ? weighted.start(2) - 1 : -1;
            String name = colon < 0 ? item : item.substring(0, colon).strip();
            if (colon >= 0) {
                weights.add(weight(text, name, item.substring(colon + 1).strip()));
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty queue name in '" + text + "'");
            }
            if (name.contains("{") || name.contains("}")) {
                throw new IllegalArgumentException("queue '" + name + "' contains a brace; a queue key has none, so that"
                        + " it names its own Redis Cluster hash slot");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("queue '" + name + "' is listed twice in '" + text + "'");
            }
            queues.add(new QueueKeys(name));
        }
        if (!weights.isEmpty() && weights.size() != queues.size()) {
            throw new IllegalArgumentException("'" + text + "' weighs some queues and not others: give every queue a"
                    + " weight (a:5,b:1) or none (a,b)");
        }
        return new QueueSelection(queues, weights);
    }

    private static int weight(String text, String name, String digits) {
        int weight;
        try {
            weight = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the weight of queue '" + name + "' in '" + text + "' must be a whole"
                    + " number from 1 to " + Integer.MAX_VALUE + ", not '" + digits + "'");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("the weight of queue '" + name + "' in '" + text + "' must be at least 1,"
                    + " not " + weight + "; leave a queue out to consume nothing from it");
        }
        return weight;
    }

    /** The first queue: the only one of a host that consumes one, and the highest in strict order. */
    public QueueKeys first() {
        return queues.get(0);
    }

    public boolean weighted() {
        return !weights.isEmpty();
    }

    public List<String> names() {
        return queues.stream().map(QueueKeys::queue).toList();
    }

    /**
     * The order one fetch tries the queues in, as indexes into {@link #queues()}: as given in strict
     * order; in weighted order, drawn one place at a time, each remaining queue with a chance in
     * proportion to its weight.
     */
    public int[] order(RandomGenerator random) {
        int[] order = new int[queues.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (!weighted()) {
            return order;
        }
        long remaining = weights.stream().mapToLong(Integer::longValue).sum();
        for (int place = 0; place < order.length - 1; place++) {
            long draw = random.nextLong(remaining);
            int chosen = place;
            for (int i = place; i < order.length; i++) {
                draw -= weights.get(order[i]);
                if (draw < 0) {
                    chosen = i;
                    break;
                }
            }
            int taken = order[chosen];
            order[chosen] = order[place];
            order[place] = taken;
            remaining -= weights.get(taken);
        }
        return order;
    }

    /** As given: {@code a,b} or {@code a:5,b:1}. */
    @Override
    public String toString() {
        var text = new StringBuilder();
        for (int i = 0; i < queues.size(); i++) {
            text.append(i == 0 ? "" : ",").append(queues.get(i).queue());
            if (weighted()) {
                text.append(':').append(weights.get(i));
            }
        }
        return text.toString();
    }
}
