package io.taskhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taskhost.host.testing.ManualClock;
import io.taskhost.host.testing.PluginJarBuilder;
import io.taskhost.worker.PluginReader.ScheduleDeclaration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code @TaskSchedule} as the host reads it from a real jar's class files, into routes and snapshots. */
class ScheduleAnnotationTest {

    @TempDir
    Path temp;

    @Test
    void theHostReadsAnOperationsScheduleWithoutRunningPluginCode() throws Exception {
        Path plugins = Files.createDirectories(temp.resolve("plugins"));
        Path jar = PluginJarBuilder.plugin("mail", "1.2.0").source("com.example.mail.MailTasks", """
                package com.example.mail;

                import io.taskhost.api.TaskSchedule;
                import io.taskhost.api.TaskWorker;
                import java.util.Map;
                import org.pf4j.Extension;

                @Extension
                public class MailTasks implements TaskWorker {
                    static {
                        if (true) {
                            throw new IllegalStateException("plugin code ran in the host");
                        }
                    }

                    @TaskSchedule(cron = "0 7 * * MON-FRI", zone = "Europe/Berlin", params = "{\\"kind\\":\\"daily\\"}")
                    public void _task_send_digest(Map<String, Object> params) {
                    }

                    @TaskSchedule(every = "15m", catchUp = "skip")
                    public void _task_refresh() {
                    }

                    public void _task_send_one() {
                    }
                }
                """).buildInto(plugins, "mail.jar");
        var clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        Files.setLastModifiedTime(jar, FileTime.from(clock.instant().minusSeconds(60)));
        var catalog = new PluginCatalog(plugins, new JarCache(temp.resolve("cache").resolve("jars")),
                new PluginInspector(), JarVetting.TRUST_ALL, clock);
        catalog.rescan();

        var operations = catalog.routes().route("MailTasks").orElseThrow().worker().operations();
        assertEquals(new ScheduleDeclaration("0 7 * * MON-FRI", "Europe/Berlin", "", "{\"kind\":\"daily\"}", "once"),
                operations.get("send_digest").schedule());
        assertEquals(new ScheduleDeclaration("", "UTC", "15m", "{}", "skip"), operations.get("refresh").schedule());
        assertNull(operations.get("send_one").schedule());
        assertEquals(List.of("refresh: every 15m", "send_digest: cron 0 7 * * MON-FRI Europe/Berlin"),
                catalog.snapshot("host").jars().get(0).classes().get(0).schedules());
    }
}
