package io.taskhost.host.plugins;

import io.taskhost.host.testing.PluginJarBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Plugins written to catch a host that runs plugin code, or runs code that is not the plugin's. */
final class HostilePlugins {

    static final String PLUGIN_CLASS = "com.example.hostile.HostilePlugin";

    private HostilePlugins() {
    }

    /**
     * A plugin whose code notes, in a file of {@code markers} named after the code, the pid of each JVM that
     * runs it: the TaskWorker's static initialiser ({@code task-worker}), an enum's ({@code enum}) and an
     * annotation interface's ({@code annotation}) that its annotations name, and its Plugin-Class's
     * ({@code plugin-class}), whose constructor and {@code start()} also end the JVM with exit code 77 or 78.
     * Its TaskWorker answers to {@code Hostile} and {@code HostileModel}; {@code ping} returns "pong".
     *
     * @param withPluginClass whether the manifest names the Plugin-Class
     */
    static PluginJarBuilder codeRunner(Path markers, boolean withPluginClass) {
        PluginJarBuilder builder = PluginJarBuilder.plugin("hostile", "1.0.0")
                .source("com.example.hostile.Marker", """
                        package com.example.hostile;

                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardOpenOption;

                        public final class Marker {
                            public static Object note(String what) {
                                try {
                                    Files.writeString(Path.of("%s", what), ProcessHandle.current().pid() + "\\n",
                                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                                } catch (java.io.IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                                return what;
                            }
                        }
                        """.formatted(markers.toAbsolutePath()))
                .source(PLUGIN_CLASS, """
                        package com.example.hostile;

                        public class HostilePlugin extends org.pf4j.Plugin {
                            static {
                                Marker.note("plugin-class");
                            }

                            public HostilePlugin() {
                                System.exit(77);
                            }

                            @Override
                            public void start() {
                                System.exit(78);
                            }
                        }
                        """)
                .source("com.example.hostile.Level", """
                        package com.example.hostile;

                        public enum Level {
                            LOW, HIGH;

                            static {
                                Marker.note("enum");
                            }
                        }
                        """)
                .source("com.example.hostile.Tagged", """
                        package com.example.hostile;

                        import java.lang.annotation.Retention;
                        import java.lang.annotation.RetentionPolicy;

                        @Retention(RetentionPolicy.RUNTIME)
                        public @interface Tagged {
                            Object NOTED = Marker.note("annotation");

                            Level value();
                        }
                        """)
                .source("com.example.hostile.Hostile", """
                        package com.example.hostile;

                        import io.taskhost.api.TaskClass;
                        import io.taskhost.api.TaskOptions;
                        import io.taskhost.api.TaskWorker;
                        import org.pf4j.Extension;

                        @Extension
                        @Tagged(Level.HIGH)
                        @TaskClass("HostileModel")
                        @TaskOptions(timeout = "45s")
                        public class Hostile implements TaskWorker {
                            static {
                                Marker.note("task-worker");
                            }

                            @Tagged(Level.LOW)
                            @TaskOptions(maxAttempts = 2)
                            public String _task_ping() {
                                return "pong";
                            }
                        }
                        """);
        return withPluginClass ? builder.manifestAttribute("Plugin-Class", PLUGIN_CLASS) : builder;
    }

    /** The pids that ran the code {@code what} names (see {@link #codeRunner}); empty if none did. */
    static List<Long> ranBy(Path markers, String what) {
        Path file = markers.resolve(what);
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().map(Long::valueOf).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every marker file, as {@code name: pids}, for a failure message. */
    static String allMarkers(Path markers) {
        try (Stream<Path> files = Files.list(markers)) {
            return files.map(file -> file.getFileName() + ": " + ranBy(markers, file.getFileName().toString())).toList()
                    .toString();
        } catch (IOException e) {
            return "(no markers: " + e + ")";
        }
    }

    /**
     * A plugin that tries every way of confusing a reader of TaskWorkers, built without an extension index
     * so that its classes must be found by scanning the jar.
     */
    static PluginJarBuilder tricky() {
        return PluginJarBuilder.plugin("tricky", "1.0.0").withoutExtensionIndex()
                .source("com.example.tricky.Base", """
                        package com.example.tricky;

                        import io.taskhost.api.TaskWorker;

                        public abstract class Base implements TaskWorker {
                            public String _task_inherited() {
                                return "inherited";
                            }

                            public abstract String _task_abstract_here();
                        }
                        """)
                .source("com.example.tricky.Greeter", """
                        package com.example.tricky;

                        import io.taskhost.api.TaskClass;
                        import io.taskhost.api.TaskContext;
                        import io.taskhost.api.TaskOptions;
                        import java.util.Map;

                        @TaskClass({"GreeterModel", "com.example.Dotted", "", "GreeterModel", "Other"})
                        @TaskOptions(timeout = "not a duration", maxHeap = " 300m ")
                        public class Greeter extends Base {
                            public String _task_abstract_here() {
                                return "here";
                            }

                            public String _task_hello(Map<String, Object> params, TaskContext context) {
                                return "hello";
                            }

                            public String _task_twice(Map<String, Object> params) {
                                return "map";
                            }

                            public String _task_twice(String params) {
                                return "string";
                            }

                            public String _task_context_first(TaskContext context, Map<String, Object> params) {
                                return "refused";
                            }

                            public String _task_two_params(String a, String b) {
                                return "refused";
                            }

                            public static String _task_static() {
                                return "not an operation";
                            }

                            String _task_package_private() {
                                return "not an operation";
                            }

                            public String _task_() {
                                return "not an operation";
                            }

                            public static class Nested extends Base {
                                public String _task_abstract_here() {
                                    return "nested";
                                }
                            }
                        }
                        """)
                .source("com.example.tricky.NoDefaultConstructor", """
                        package com.example.tricky;

                        import io.taskhost.api.TaskWorker;

                        public class NoDefaultConstructor implements TaskWorker {
                            public NoDefaultConstructor(String name) {
                            }

                            public String _task_never() {
                                return "never";
                            }
                        }
                        """)
                .source("com.example.tricky.Hidden", """
                        package com.example.tricky;

                        import io.taskhost.api.TaskWorker;

                        class Hidden implements TaskWorker {
                            public String _task_never() {
                                return "never";
                            }
                        }
                        """)
                .source("com.example.tricky.NotAWorker", """
                        package com.example.tricky;

                        public class NotAWorker {
                            public String _task_never() {
                                return "never";
                            }
                        }
                        """);
    }
}
