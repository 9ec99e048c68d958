package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How {@code --queue} reads one queue, a strict list or a weighted list, and the order each fetch tries them in. */
class QueueSelectionTest {

    @Test
    void oneQueueIsTakenWholeAsBeforeColonsIncluded() {
        assertEquals(List.of("task_queue"), QueueSelection.parse("task_queue").names());
        assertEquals(List.of("jobs:2"), QueueSelection.parse("jobs:2").names(), "a name of one queue is not split");
        assertFalse(QueueSelection.parse("jobs:2").weighted());
    }

    @Test
    void aListWithoutWeightsIsStrictOrderAsGiven() {
        QueueSelection selection = QueueSelection.parse("urgent, normal,low");
        assertEquals(List.of("urgent", "normal", "low"), selection.names());
        assertFalse(selection.weighted());
        assertEquals("urgent", selection.first().queue());
        assertArrayEquals(new int[] {0, 1, 2}, selection.order(new SplittableRandom(1)));
        assertEquals("urgent,normal,low", selection.toString());
    }

    @Test
    void aListWithWeightsIsWeightedAndKeepsTheGivenOrderForItsFirstQueue() {
        QueueSelection selection = QueueSelection.parse("a:5,b:1");
        assertTrue(selection.weighted());
        assertEquals(List.of("a", "b"), selection.names());
        assertEquals(List.of(5, 1), selection.weights());
        assertEquals("a", selection.first().queue());
        assertEquals("a:5,b:1", selection.toString());
    }

    @Test
    void aNameInAListMayHoldAColonNotFollowedByAWeight() {
        assertEquals(List.of("a", "jobs:mail"), QueueSelection.parse("a,jobs:mail").names());
    }

    @Test
    void weightedOrderPutsEachQueueFirstInProportionToItsWeight() {
        QueueSelection selection = QueueSelection.parse("a:5,b:1");
        RandomGenerator random = new SplittableRandom(42);
        int aFirst = 0;
        int draws = 60_000;
        for (int i = 0; i < draws; i++) {
            int[] order = selection.order(random);
            assertEquals(2, order.length);
            assertTrue(order[0] != order[1], "every queue is tried once per fetch");
            if (order[0] == 0) {
                aFirst++;
            }
        }
        double share = aFirst / (double) draws;
        assertTrue(share > 0.81 && share < 0.86, "a comes first about 5 times in 6, not " + share);
    }

    @Test
    void weightedOrderOfThreeTriesEachOnceAndTheHeaviestFirstMostOften() {
        QueueSelection selection = QueueSelection.parse("a:1,b:2,c:7");
        RandomGenerator random = new SplittableRandom(7);
        int[] first = new int[3];
        for (int i = 0; i < 10_000; i++) {
            int[] order = selection.order(random);
            assertEquals(3, java.util.Arrays.stream(order).distinct().count());
            first[order[0]]++;
        }
        assertTrue(first[2] > first[1] && first[1] > first[0], java.util.Arrays.toString(first));
    }

    @Test
    void aDrawAlwaysAtItsLowestOrHighestStillGivesAValidOrder() {
        QueueSelection selection = QueueSelection.parse("a:3,b:1,c:1");
        RandomGenerator lowest = fixedDraw(false);
        RandomGenerator highest = fixedDraw(true);
        assertArrayEquals(new int[] {0, 1, 2}, selection.order(lowest));
        assertArrayEquals(new int[] {2, 0, 1}, selection.order(highest));
    }

    /** A random source that always draws the lowest, or the highest, value allowed. */
    private static RandomGenerator fixedDraw(boolean highest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long nextLong(long bound) {
                return highest ? bound - 1 : 0;
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a,,b          | empty queue name",
            "a,            | empty queue name",
            "',a'          | empty queue name",
            "a:0,b:1       | must be at least 1",
            "a:-2,b:1      | must be at least 1",
            "a:5,b         | weighs some queues and not others",
            "a,b:3         | weighs some queues and not others",
            "a,b,a         | listed twice",
            "a:1,a:2       | listed twice",
            "a,{b}         | contains a brace",
            "a:99999999999,b:1 | must be a whole number",
            "'  '          | no queue given",
    })
    void aBadListIsRefusedSayingWhatIsWrong(String text, String problem) {
        var refused = assertThrows(IllegalArgumentException.class, () -> QueueSelection.parse(text));
        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
    }

    @Test
    void oneQueueWithABraceIsRefusedAsBefore() {
        assertThrows(IllegalArgumentException.class, () -> QueueSelection.parse("{a}"));
    }
}
