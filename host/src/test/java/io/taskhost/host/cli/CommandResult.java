package io.taskhost.host.cli;

import io.taskhost.host.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** What a taskhost command run in this JVM said and returned. */
record CommandResult(int code, String out, String err) {

    /** Runs {@code args} with {@code --redis} the shared test Redis and {@code --queue queue} appended. */
    static CommandResult onQueue(String queue, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = new CommandLine(new Main());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--redis";
        all[args.length + 1] = TestRedis.shared().url();
        all[args.length + 2] = "--queue";
        all[args.length + 3] = queue;
        int code = commandLine.execute(all);
        return new CommandResult(code, out.toString(), err.toString());
    }
}
