package io.taskhost.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts of some programs timed a round at a time, between the parts of a burst, so that the burst and
 * the starts it is set against meet the same machine. On this virtual machine the cost of a bare JVM
 * start drifted by a sixth within minutes: against a floor timed before the bursts, one mode's share of
 * the ceiling read anywhere from 71 to 97 % in four runs of the same command.
 */
final class StartsBeside {

    private final StartTimings timings;
    private final List<List<String>> commands;
    private final int perRound;
    private final int[] starts;
    private final double[] seconds;
    private final double[] wallMillis;
    private final double[] cpuMillis;

    /** {@code perRound} starts of each of {@code commands} in each {@link #round()}. */
    StartsBeside(StartTimings timings, List<List<String>> commands, int perRound) {
        if (perRound < 1) {
            throw new IllegalArgumentException("at least one start a round, not " + perRound);
        }
        this.timings = timings;
        this.commands = List.copyOf(commands);
        this.perRound = perRound;
        starts = new int[commands.size()];
        seconds = new double[commands.size()];
        wallMillis = new double[commands.size()];
        cpuMillis = new double[commands.size()];
    }

    /** Times one round of each command's starts, in alternation, and adds it to the rounds before. */
    void round() throws Exception {
        List<StartTimings.Timing> round = timings.measure(commands, perRound);
        for (int i = 0; i < commands.size(); i++) {
            StartTimings.Timing timing = round.get(i);
            starts[i] += perRound;
            seconds[i] += perRound / timing.startsPerSecond();
            wallMillis[i] += perRound * timing.wallMillis();
            cpuMillis[i] += perRound * timing.cpuMillis();
        }
    }

    /** Each command's timing over all rounds so far, in the order given; call after at least one round. */
    List<StartTimings.Timing> timings() {
        if (starts.length > 0 && starts[0] == 0) {
            throw new IllegalStateException("no round has been timed");
        }
        List<StartTimings.Timing> all = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            all.add(new StartTimings.Timing(starts[i] / seconds[i], wallMillis[i] / starts[i],
                    cpuMillis[i] / starts[i]));
        }
        return all;
    }
}
