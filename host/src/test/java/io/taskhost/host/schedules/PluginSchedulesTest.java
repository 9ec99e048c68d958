package io.taskhost.host.schedules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.plugins.TestRoutes;
import io.taskhost.worker.PluginReader.ScheduleDeclaration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginSchedulesTest {

    private static ScheduleDeclaration cron(String cron, String zone, String params) {
        return new ScheduleDeclaration(cron, zone, "", params, "once");
    }

    @Test
    void anAnnotatedOperationBecomesAScheduleNamedByPluginClassAndOperation() {
        List<Schedule> schedules = new PluginSchedules().of(TestRoutes.scheduled("mail", "1.2.0", "MailTasks",
                cron("0 7 * * MON-FRI", "Europe/Berlin", "{\"kind\":\"daily\"}")));
        assertEquals(1, schedules.size());
        Schedule digest = schedules.get(0);
        assertEquals("mail:MailTasks#op0", digest.name());
        assertEquals("plugin mail@1.2.0 (mail.jar)", digest.source());
        assertEquals("{\"worker\":\"op0\",\"class\":\"MailTasks\",\"params\":{\"kind\":\"daily\"}}",
                digest.payload().toString());
        assertEquals("cron 0 7 * * MON-FRI Europe/Berlin", digest.recurrence().describe());
        assertEquals(Instant.parse("2026-12-03T06:00:00Z"),
                digest.recurrence().after(Instant.parse("2026-12-02T12:00:00Z")).orElseThrow());
    }

    @Test
    void anUpgradedJarKeepsTheScheduleNameSoThatNoOccurrenceRunsTwice() {
        var plugins = new PluginSchedules();
        String before = plugins.of(TestRoutes.scheduled("mail", "1.2.0", "MailTasks", cron("0 7 * * *", "UTC", "{}")))
                .get(0).name();
        String after = plugins.of(TestRoutes.scheduled("mail", "1.3.0", "MailTasks", cron("0 7 * * *", "UTC", "{}")))
                .get(0).name();
        assertEquals(before, after);
    }

    @Test
    void aDeclarationTheHostCannotReadIsSkippedAndTheOthersStay() {
        RoutingTable table = TestRoutes.scheduled("mail", "1.2.0", "MailTasks",
                cron("61 * * * *", "UTC", "{}"),
                cron("0 * * * *", "Mars/Olympus", "{}"),
                new ScheduleDeclaration("0 * * * *", "UTC", "5m", "{}", "once"),
                new ScheduleDeclaration("", "UTC", "", "{}", "once"),
                cron("0 * * * *", "UTC", "[1,2]"),
                cron("0 * * * *", "UTC", "{\"a\":1} trailing"),
                new ScheduleDeclaration("0 * * * *", "UTC", "", "{}", "sometimes"),
                new ScheduleDeclaration("", "UTC", "30s", "{}", "skip"));
        List<Schedule> schedules = new PluginSchedules().of(table);
        assertEquals(List.of("mail:MailTasks#op7"), schedules.stream().map(Schedule::name).toList());
        assertEquals(CatchUp.SKIP, schedules.get(0).catchUp());
    }

    @Test
    void noActivePluginMeansNoPluginSchedules() {
        assertEquals(List.of(), new PluginSchedules().of(RoutingTable.empty()));
    }
}
