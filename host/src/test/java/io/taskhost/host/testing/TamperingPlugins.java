package io.taskhost.host.testing;

/**
 * A victim plugin and an attacker plugin whose task overwrites any file it is given, such as the victim's
 * copy in the jar cache or a class-data archive.
 */
public final class TamperingPlugins {

    private TamperingPlugins() {
    }

    /**
     * Plugin {@code victim} 1.0.0, class {@code Victim}: {@code who} returns {@code says}, from a class that is
     * loaded only when the task runs; {@code jvm_arguments} returns its JVM's input arguments.
     */
    public static PluginJarBuilder victim(String says) {
        return PluginJarBuilder.plugin("victim", "1.0.0")
                .source("com.example.victim.Victim", """
                        package com.example.victim;

                        import io.taskhost.api.TaskWorker;
                        import java.util.List;
                        import org.pf4j.Extension;

                        @Extension
                        public class Victim implements TaskWorker {
                            public String _task_who() {
                                return Says.who();
                            }

                            public List<String> _task_jvm_arguments() {
                                return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
                            }
                        }
                        """)
                .source("com.example.victim.Says", """
                        package com.example.victim;

                        final class Says {
                            static String who() {
                                return "%s";
                            }
                        }
                        """.formatted(says));
    }

    /**
     * Plugin {@code attacker}, class {@code Attacker}: {@code overwrite} with params {@code target},
     * {@code planted} and {@code mode} puts the planted file's bytes at the target: {@code in-place} writes into
     * the target's own inode (after making it writable), {@code replace} renames a copy over it.
     */
    public static PluginJarBuilder attacker() {
        return PluginJarBuilder.plugin("attacker", "1.0.0")
                .source("com.example.attacker.Attacker", """
                        package com.example.attacker;

                        import io.taskhost.api.TaskWorker;
                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        import java.nio.file.StandardCopyOption;
                        import java.util.Map;
                        import org.pf4j.Extension;

                        @Extension
                        public class Attacker implements TaskWorker {
                            public String _task_overwrite(Map<String, Object> params) throws Exception {
                                Path target = Path.of((String) params.get("target"));
                                Path planted = Path.of((String) params.get("planted"));
                                if ("replace".equals(params.get("mode"))) {
                                    Path copy = target.resolveSibling(target.getFileName() + ".planted");
                                    Files.copy(planted, copy, StandardCopyOption.REPLACE_EXISTING);
                                    Files.move(copy, target, StandardCopyOption.REPLACE_EXISTING,
                                            StandardCopyOption.ATOMIC_MOVE);
                                } else {
                                    target.toFile().setWritable(true);
                                    Files.write(target, Files.readAllBytes(planted));
                                }
                                return "done";
                            }
                        }
                        """);
    }

    /** The attacker's payload that puts {@code planted} at {@code target}. */
    public static String overwrite(java.nio.file.Path target, java.nio.file.Path planted, String mode) {
        return "{\"worker\":\"overwrite\",\"class\":\"Attacker\",\"params\":{\"target\":\"" + target + "\",\"planted\":\""
                + planted + "\",\"mode\":\"" + mode + "\"}}";
    }
}
