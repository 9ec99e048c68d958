import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a task takes from the host's write to the report line, for a warm spare and for a
 * reused worker. Run from the project root after mvn -q -B install -Pquick:
 *
 * <pre>java bench/WorkerLatency.java warm|reuse RUNS JAVA CLASSPATH [JVM OPTIONS...]</pre>
 *
 * warm: RUNS spares, each started with --warm; once its ready line is out, one noop task is sent.
 * reuse: one worker started with --tasks RUNS, sent RUNS noop tasks one after the other.
 */
public class WorkerLatency {

    private static final String READY = "##taskhost-ready";

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int runs = Integer.parseInt(args[1]);
        List<String> command = new ArrayList<>();
        command.add(args[2]);
        command.addAll(List.of(args).subList(4, args.length));
        command.addAll(List.of("-cp", args[3], "io.taskhost.worker.WorkerMain"));
        if (mode.equals("warm")) {
            command.add("--warm");
            List<Double> ready = new ArrayList<>();
            List<Double> task = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long started = System.nanoTime();
                Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                var stdout = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                awaitLine(stdout, READY);
                ready.add((System.nanoTime() - started) / 1e6);
                long sent = System.nanoTime();
                send(worker.getOutputStream(), "m" + i);
                awaitLine(stdout, "##taskhost-report:m" + i + " ");
                task.add((System.nanoTime() - sent) / 1e6);
                worker.waitFor();
            }
            System.out.printf(Locale.ROOT, "warm spare: start to ready %.1f ms, task write to report %.1f ms (median of %d)%n",
                    median(ready), median(task), runs);
        } else {
            command.addAll(List.of("--tasks", Integer.toString(runs)));
            Process worker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            var stdout = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
            List<Double> task = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long sent = System.nanoTime();
                send(worker.getOutputStream(), "m" + i);
                awaitLine(stdout, "##taskhost-report:m" + i + " ");
                task.add((System.nanoTime() - sent) / 1e6);
            }
            worker.waitFor();
            System.out.printf(Locale.ROOT, "reused worker: first task %.1f ms, later tasks %.2f ms each (median of %d)%n",
                    task.get(0), median(task.subList(1, task.size())), runs - 1);
        }
    }

    private static void send(OutputStream stdin, String marker) throws IOException {
        stdin.write(("{\"taskId\":\"bench\",\"attempt\":1,\"taskClass\":\"Fixtures\",\"worker\":\"noop\","
                + "\"javaClass\":\"io.taskhost.examples.fixtures.Fixtures\",\"method\":\"_task_noop\",\"params\":[],"
                + "\"deadlineEpochMillis\":null,\"reportMarker\":\"" + marker + "\"}\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static void awaitLine(BufferedReader stdout, String prefix) throws IOException {
        String line;
        while ((line = stdout.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return;
            }
        }
        throw new IOException("the worker ended its output before a line starting with " + prefix);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
