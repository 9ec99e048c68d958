package io.taskhost.host.http;

import static io.taskhost.host.http.Html.query;
import static io.taskhost.host.http.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.plugins.CatalogSnapshot;
import io.taskhost.host.schedules.ScheduleStatus;
import io.taskhost.host.status.QueueStatus;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The dashboard's HTML, written on the server. Every value from Redis, a payload, a plugin or a
 * request goes through {@link Html#text}; the only script is the vendored htmx, which polls each
 * page's {@code #live} part every few seconds. Buttons are plain forms that POST with the CSRF
 * token; read-only hides them all.
 */
final class Pages {

    static final int REFRESH_SECONDS = 3;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
            header{background:#1d2430;color:#fff;padding:.6em 1.2em;display:flex;gap:1.5em;align-items:center}
            header a{color:#cfe0ff;text-decoration:none}header a.on{color:#fff;font-weight:bold}
            main{padding:1em 1.2em}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
            table{border-collapse:collapse;background:#fff;margin:.5em 0}
            th,td{border:1px solid #dde1e6;padding:.3em .6em;text-align:left;vertical-align:top}
            th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
            pre{background:#fff;border:1px solid #dde1e6;padding:.6em;overflow:auto;max-height:30em;white-space:pre-wrap}
            form.inline{display:inline;margin:0}button{cursor:pointer}
            .bad{color:#b3261e}.good{color:#1b7f3b}.muted{color:#667}.badge{background:#b3261e;color:#fff;padding:0 .4em}
            .filters input{width:12em}
            """;

    private final String hostId;
    private final Access access;
    private final ObjectMapper mapper;

    Pages(String hostId, Access access, ObjectMapper mapper) {
        this.hostId = hostId;
        this.access = access;
        this.mapper = mapper;
    }

    String overview(List<DashboardData.Overview> queues) {
        var html = new StringBuilder("<h1>Overview</h1>");
        for (DashboardData.Overview overview : queues) {
            QueueStatus status = overview.status();
            html.append("<h2>Queue ").append(text(status.queue())).append(status.paused()
                    ? " <span class=\"badge\">paused</span>" : "").append("</h2>");
            html.append("<table id=\"counts-").append(text(status.queue())).append("\"><tr><th>waiting</th>"
                    + "<th>in flight</th><th>retrying</th><th>parked</th><th>dead</th><th>delayed</th></tr><tr>");
            for (long count : new long[] {status.waiting(), overview.inFlight(), status.retrying(), status.parked(),
                    status.dead(), status.delayed()}) {
                html.append("<td class=\"n\">").append(count).append("</td>");
            }
            html.append("</tr></table>");
            if (status.delayedOldestDue() != null) {
                html.append("<p class=\"muted\">The earliest delayed task is due ")
                        .append(text(DelayedTasks.instant(status.delayedOldestDue()).truncatedTo(ChronoUnit.SECONDS)
                                .toString())).append(".</p>");
            }
            html.append("<p class=\"muted\">Since the counters began: ");
            status.counters().forEach((name, value) -> html.append(text(name)).append(' ').append(value).append("; "));
            html.append("</p>");
            html.append("<h2>Tasks per minute, last ").append(DashboardData.CHART_MINUTES / 60)
                    .append(" hours</h2>").append(chart(overview.minutes()))
                    .append("<p class=\"muted\"><span class=\"good\">■</span> passed <span class=\"bad\">■</span>"
                            + " failed, per minute, from every host of the queue</p>");
        }
        return page("Overview", "/", html.toString(), "");
    }

    /** Passed (green) and failed (red) stacked per minute; no script, a title per bar. */
    static String chart(List<DashboardData.Minute> minutes) {
        int barWidth = 4;
        int height = 120;
        long max = Math.max(1, minutes.stream().mapToLong(minute -> minute.passed() + minute.failed()).max().orElse(1));
        var svg = new StringBuilder("<svg class=\"chart\" role=\"img\" width=\"").append(minutes.size() * barWidth)
                .append("\" height=\"").append(height + 14).append("\" viewBox=\"0 0 ").append(minutes.size() * barWidth)
                .append(' ').append(height + 14).append("\"><title>passed and failed per minute, highest ").append(max)
                .append("</title><rect width=\"100%\" height=\"").append(height).append("\" fill=\"#fff\"/>");
        for (int i = 0; i < minutes.size(); i++) {
            DashboardData.Minute minute = minutes.get(i);
            long passedHeight = Math.round((double) minute.passed() * height / max);
            long failedHeight = Math.round((double) minute.failed() * height / max);
            String label = TIME.format(Instant.ofEpochSecond(minute.epochMinute() * 60)) + ": " + minute.passed()
                    + " passed, " + minute.failed() + " failed";
            int x = i * barWidth;
            if (passedHeight > 0) {
                svg.append("<rect x=\"").append(x).append("\" y=\"").append(height - passedHeight)
                        .append("\" width=\"").append(barWidth - 1).append("\" height=\"").append(passedHeight)
                        .append("\" fill=\"#2e9e5b\"><title>").append(text(label)).append("</title></rect>");
            }
            if (failedHeight > 0) {
                svg.append("<rect x=\"").append(x).append("\" y=\"").append(height - passedHeight - failedHeight)
                        .append("\" width=\"").append(barWidth - 1).append("\" height=\"").append(failedHeight)
                        .append("\" fill=\"#d93025\"><title>").append(text(label)).append("</title></rect>");
            }
        }
        svg.append("<text x=\"2\" y=\"10\" font-size=\"10\">").append(max).append(" a minute</text>");
        svg.append("<text x=\"0\" y=\"").append(height + 12).append("\" font-size=\"10\">")
                .append(minutes.isEmpty() ? "" : text(TIME.format(Instant.ofEpochSecond(minutes.get(0).epochMinute()
                        * 60)))).append("</text><text x=\"100%\" y=\"").append(height + 12)
                .append("\" font-size=\"10\" text-anchor=\"end\">now</text></svg>");
        return svg.toString();
    }

    String inFlight(String queue, List<DashboardData.InFlight> tasks) {
        var html = new StringBuilder("<h1>In flight in ").append(text(queue)).append("</h1>");
        html.append("<p class=\"muted\">Tasks in each host's processing list, up to ")
                .append(DashboardData.IN_FLIGHT_SHOWN).append(" per host, with the pid, start and launch kind (cold,"
                        + " spare, reused) of the worker JVM that runs each, as its host publishes them.</p>");
        if (tasks.isEmpty()) {
            html.append("<p id=\"no-tasks\">Nothing in flight.</p>");
        } else {
            html.append("<table id=\"in-flight\"><tr><th>host</th><th>pid</th><th>class.worker</th><th>attempt</th>"
                    + "<th>started</th><th>elapsed</th><th>launch</th><th>entry</th><th>payload bytes</th></tr>");
            for (DashboardData.InFlight task : tasks) {
                html.append("<tr class=\"task\" data-id=\"").append(text(task.entryId())).append("\"><td>")
                        .append(text(task.host())).append("</td><td class=\"n pid\">")
                        .append(task.pid() == null ? "" : task.pid()).append("</td><td>").append(text(task.task()))
                        .append("</td><td class=\"n\">").append(task.attempt()).append("</td><td>")
                        .append(task.startedAt() == null ? "" : text(TIME.format(Instant.ofEpochMilli(task.startedAt()))))
                        .append("</td><td class=\"n\">").append(task.elapsedMs() == null ? ""
                                : text(elapsed(task.elapsedMs()))).append("</td><td class=\"launch\">")
                        .append(text(task.launch())).append("</td><td>")
                        .append(text(task.entryId())).append("</td><td class=\"n\">").append(task.payloadBytes())
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
        return page("In flight", "/in-flight", html.toString(), "");
    }

    String deadLetters(DashboardData.LetterPage page, List<String> queues) {
        DashboardData.Filter filter = page.filter();
        String common = "queue=" + query(page.queue()) + "&amp;class=" + query(filter.taskClass()) + "&amp;worker="
                + query(filter.worker()) + "&amp;cause=" + query(filter.cause()) + "&amp;limit=" + page.limit();
        String self = "/dead?" + common + "&amp;offset=" + page.offset();
        var controls = new StringBuilder("<h1>Dead letters</h1><form class=\"filters\" method=\"get\" action=\"/dead\">");
        if (!queues.isEmpty()) {
            controls.append("<label>queue <select name=\"queue\">");
            for (String queue : queues) {
                controls.append("<option").append(queue.equals(page.queue()) ? " selected" : "").append('>')
                        .append(text(queue)).append("</option>");
            }
            controls.append("</select></label> ");
        } else {
            controls.append("<input type=\"hidden\" name=\"queue\" value=\"").append(text(page.queue())).append("\">");
        }
        controls.append("<label>class <input name=\"class\" value=\"").append(text(filter.taskClass()))
                .append("\"></label> <label>worker <input name=\"worker\" value=\"").append(text(filter.worker()))
                .append("\"></label> <label>cause <input name=\"cause\" value=\"").append(text(filter.cause()))
                .append("\"></label> <button id=\"filter\">Filter</button></form>");
        if (!access.readOnly()) {
            String hidden = hidden("queue", page.queue()) + hidden("class", filter.taskClass())
                    + hidden("worker", filter.worker()) + hidden("cause", filter.cause()) + hidden("back", unescape(self));
            controls.append("<p>All that match")
                    .append(filter.any() ? "" : " (no filter: all)").append(", among the newest ")
                    .append(DashboardData.FILTER_WINDOW).append(": ")
                    .append(button("/dead/retry-matching", hidden, "Retry all matching", "retry-matching", true))
                    .append(' ')
                    .append(button("/dead/delete-matching", hidden, "Delete all matching", "delete-matching", true))
                    .append("</p>");
        }
        var html = new StringBuilder("<p>").append(page.total()).append(" dead letter(s) in the list; ")
                .append(page.letters().size()).append(" shown from position ").append(page.offset()).append(", ")
                .append(page.scanned()).append(" looked at.</p>");
        if (!page.letters().isEmpty()) {
            html.append("<table id=\"dead-letters\"><tr><th>finished</th><th>class.worker</th><th>cause</th>"
                    + "<th>reason</th><th>attempt</th><th>host</th>").append(access.readOnly() ? "" : "<th></th>")
                    .append("</tr>");
            for (DashboardData.LetterSummary letter : page.letters()) {
                String link = "/dead/letter?queue=" + query(page.queue()) + "&amp;id=" + query(letter.id());
                html.append("<tr class=\"letter\" data-id=\"").append(text(letter.id())).append("\"><td><a href=\"")
                        .append(link).append("\">").append(letter.finishedAt() == null ? text(letter.id())
                                : TIME.format(Instant.ofEpochMilli(letter.finishedAt())))
                        .append("</a></td><td>").append(text(letter.task())).append("</td><td>")
                        .append(text(letter.cause())).append("</td><td>").append(text(shorten(letter.reason())))
                        .append("</td><td class=\"n\">").append(letter.attempt() == null ? "" : letter.attempt())
                        .append("</td><td>").append(text(letter.host())).append("</td>");
                if (!access.readOnly()) {
                    String hidden = hidden("queue", page.queue()) + hidden("id", letter.id())
                            + hidden("back", unescape(self));
                    html.append("<td>").append(button("/dead/retry", hidden, "Retry", "retry", false)).append(' ')
                            .append(button("/dead/delete", hidden, "Delete", "delete", false)).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table>");
        }
        html.append("<p>");
        if (page.offset() > 0) {
            html.append("<a id=\"newer\" href=\"/dead?").append(common).append("&amp;offset=")
                    .append(Math.max(0, page.offset() - page.limit())).append("\">Newer</a> ");
        }
        if (page.nextOffset() >= 0) {
            html.append("<a id=\"older\" href=\"/dead?").append(common).append("&amp;offset=").append(page.nextOffset())
                    .append("\">Older</a>");
        }
        html.append("</p>");
        return page("Dead letters", unescape(self), html.toString(), controls.toString());
    }

    String letter(String queue, DashboardData.LetterDetail letter) {
        JsonNode record = letter.record();
        var html = new StringBuilder("<h1>Dead letter ").append(text(letter.id())).append("</h1>");
        html.append("<table id=\"letter\">");
        row(html, "queue", queue);
        row(html, "class.worker", letter.task());
        row(html, "cause", record.path("cause").asText(""));
        row(html, "reason", record.path("reason").asText(""));
        row(html, "attempt", record.path("attempt").asText(""));
        row(html, "host", record.path("host").asText(""));
        row(html, "plugin", record.path("plugin").isObject() ? record.path("plugin").path("id").asText("") + "@"
                + record.path("plugin").path("version").asText("") : "");
        if (record.path("finishedAt").canConvertToLong()) {
            row(html, "finished", TIME.format(Instant.ofEpochMilli(record.path("finishedAt").asLong())));
        }
        html.append("</table>");
        if (!access.readOnly()) {
            String hidden = hidden("queue", queue) + hidden("id", letter.id());
            html.append("<p>").append(button("/dead/retry", hidden + hidden("back", "/dead?queue=" + queue), "Retry",
                    "retry", false)).append(' ').append(button("/dead/delete", hidden + hidden("back", "/dead?queue="
                    + queue), "Delete", "delete", false)).append("</p>");
        }
        if (record.path("error").path("stackTrace").isTextual()) {
            html.append("<h2>Stack trace</h2><pre id=\"stack-trace\">")
                    .append(text(record.path("error").path("stackTrace").asText())).append("</pre>");
        }
        if (record.path("history").isArray() && !record.path("history").isEmpty()) {
            html.append("<h2>Earlier attempts</h2><table id=\"history\"><tr><th>attempt</th><th>cause</th>"
                    + "<th>reason</th><th>host</th><th>at</th></tr>");
            for (JsonNode past : record.path("history")) {
                html.append("<tr><td class=\"n\">").append(text(past.path("attempt").asText())).append("</td><td>")
                        .append(text(past.path("cause").asText())).append("</td><td>")
                        .append(text(past.path("reason").asText())).append("</td><td>")
                        .append(text(past.path("host").asText())).append("</td><td>")
                        .append(past.path("at").canConvertToLong()
                                ? TIME.format(Instant.ofEpochMilli(past.path("at").asLong())) : "")
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
        html.append("<h2>Payload</h2><pre id=\"payload\">").append(letter.payload() == null
                ? "(not UTF-8; base64) " + text(letter.payloadBase64()) : text(letter.payload())).append("</pre>");
        html.append("<h2>Record</h2><pre id=\"record\">").append(text(pretty(record))).append("</pre>");
        return page("Dead letter", "/dead/letter?queue=" + queue + "&id=" + letter.id(), html.toString(), "");
    }

    /** The retries or the delayed tasks of one queue, a page of them, due first first. */
    String waiting(DashboardData.WaitingPage page, List<String> queues) {
        boolean retries = page.set().equals("retries");
        String path = retries ? "/retries" : "/delayed";
        String self = path + "?queue=" + query(page.queue()) + "&offset=" + page.offset() + "&limit=" + page.limit();
        var html = new StringBuilder("<h1>").append(retries ? "Retries" : "Delayed tasks").append(" in ")
                .append(text(page.queue())).append("</h1><p class=\"muted\">")
                .append(retries ? "Failed attempts waiting for their backoff (" + text(page.queue()) + "'s retry set,"
                        + " epoch millis); when due they go to the consuming end of the queue and run next."
                        : "Tasks producers delayed (the delayed set, epoch seconds); when due they go to the"
                        + " producers' end of the queue.").append("</p>");
        html.append("<p>").append(page.total()).append(retries ? " retries" : " delayed task(s)")
                .append(" waiting; ").append(page.tasks().size()).append(" shown from position ")
                .append(page.offset()).append(".</p>");
        if (!page.tasks().isEmpty()) {
            html.append("<table id=\"").append(retries ? "retries" : "delayed").append("\"><tr><th>due</th>"
                    + "<th>class.worker</th>").append(retries ? "<th>attempt</th>" : "").append("<th>payload</th>"
                    + "<th>bytes</th>").append(access.readOnly() ? "" : "<th></th>").append("</tr>");
            for (DashboardData.Waiting task : page.tasks()) {
                html.append("<tr class=\"waiting\" data-id=\"").append(text(task.id())).append("\"><td>")
                        .append(text(TIME.format(Instant.ofEpochMilli(task.dueMillis())))).append("</td><td>")
                        .append(text(task.task())).append("</td>");
                if (retries) {
                    html.append("<td class=\"n\">").append(task.attempt()).append("</td>");
                }
                html.append("<td><code class=\"payload\">").append(text(task.payload())).append("</code></td>"
                        + "<td class=\"n\">").append(task.payloadBytes()).append("</td>");
                if (!access.readOnly()) {
                    String hidden = hidden("queue", page.queue()) + hidden("id", task.id()) + hidden("back", self);
                    html.append("<td>").append(button(path + "/run-now", hidden, "Run now", "run-now", false))
                            .append(' ').append(button(path + "/delete", hidden, "Delete", "delete", false))
                            .append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table>");
        }
        pager(html, path + "?queue=" + query(page.queue()) + "&amp;limit=" + page.limit(), page.offset(), page.limit(),
                page.nextOffset());
        return page(retries ? "Retries" : "Delayed tasks", self, html.toString(),
                queueLinks(path, page.queue(), queues));
    }

    /** The tasks parked until a plugin provides their class, of every class or of one. */
    String parked(DashboardData.ParkedPage page, List<String> queues) {
        String common = "/parked?queue=" + query(page.queue()) + (page.taskClass() == null ? ""
                : "&amp;class=" + query(page.taskClass())) + "&amp;limit=" + page.limit();
        String self = unescape(common) + "&offset=" + page.offset();
        String controls = "<h1>Parked in " + text(page.queue()) + "</h1><p class=\"muted\">Tasks that came before a"
                + " plugin providing their class; a plugin that provides it puts them back on the queue, and each is"
                + " dead-lettered at its give-up time if none came.</p><form class=\"filters\" method=\"get\""
                + " action=\"/parked\">" + "<input type=\"hidden\" name=\"queue\" value=\"" + text(page.queue())
                + "\"><label>class <input name=\"class\" value=\"" + text(page.taskClass()) + "\"></label>"
                + " <button id=\"filter\">Filter</button></form>";
        var html = new StringBuilder("<p>").append(page.total()).append(" parked task(s)")
                .append(page.taskClass() == null ? "" : " of class " + text(page.taskClass())).append("; ")
                .append(page.tasks().size()).append(" shown from position ").append(page.offset()).append(".</p>");
        if (!page.tasks().isEmpty()) {
            html.append("<table id=\"parked\"><tr><th>waits for class</th><th>class.worker</th><th>gives up</th>"
                    + "<th>entry</th><th>payload</th><th>bytes</th></tr>");
            for (DashboardData.Parked task : page.tasks()) {
                html.append("<tr class=\"parked\"><td>").append(text(task.taskClass())).append("</td><td>")
                        .append(text(task.task())).append("</td><td>")
                        .append(text(TIME.format(Instant.ofEpochMilli(task.giveUpAtMillis())))).append("</td><td>")
                        .append(text(task.entryId())).append("</td><td><code class=\"payload\">")
                        .append(text(task.payload())).append("</code></td><td class=\"n\">")
                        .append(task.payloadBytes()).append("</td></tr>");
            }
            html.append("</table>");
        }
        pager(html, common, page.offset(), page.limit(), page.nextOffset());
        return page("Parked", self, html.toString(), queueLinks("/parked", page.queue(), queues) + controls);
    }

    /** What {@code taskhost schedules} shows for one queue. */
    String schedules(String queue, List<ScheduleStatus> schedules, List<String> queues) {
        var html = new StringBuilder("<h1>Schedules onto ").append(text(queue)).append("</h1>");
        if (schedules.isEmpty()) {
            html.append("<p id=\"no-schedules\">No host of this queue runs a schedule.</p>");
        } else {
            html.append("<table id=\"schedules\"><tr><th>name</th><th>source</th><th>timing</th><th>catch-up</th>"
                    + "<th>last run</th><th>next run</th><th>announced by</th><th>payload</th></tr>");
            for (ScheduleStatus schedule : schedules) {
                html.append("<tr class=\"schedule\" data-name=\"").append(text(schedule.name())).append("\"><td>")
                        .append(text(schedule.name())).append(schedule.current() ? ""
                                : " <span class=\"bad\">(no host announced it lately)</span>").append("</td><td>")
                        .append(text(schedule.source())).append("</td><td>").append(text(schedule.recurrence()))
                        .append("</td><td>").append(text(schedule.catchUp())).append("</td><td>")
                        .append(schedule.last() == null ? "never" : text(TIME.format(Instant.ofEpochMilli(
                                schedule.last()))) + (schedule.lastBy() == null ? "" : " by " + text(schedule.lastBy())))
                        .append("</td><td>").append(schedule.next() == null ? "none"
                                : text(TIME.format(Instant.ofEpochMilli(schedule.next())))).append("</td><td>")
                        .append(text(schedule.host())).append("</td><td><code class=\"payload\">")
                        .append(text(schedule.payload())).append("</code></td></tr>");
            }
            html.append("</table>");
        }
        return page("Schedules", "/schedules?queue=" + query(queue), html.toString(),
                queueLinks("/schedules", queue, queues));
    }

    /** Links to the same page of each queue, when the host serves more than one. */
    private static String queueLinks(String path, String current, List<String> queues) {
        if (queues.size() < 2) {
            return "";
        }
        var links = new StringBuilder("<p class=\"queues\">Queue:");
        for (String queue : queues) {
            links.append(' ');
            if (queue.equals(current)) {
                links.append("<b>").append(text(queue)).append("</b>");
            } else {
                links.append("<a href=\"").append(path).append("?queue=").append(query(queue)).append("\">")
                        .append(text(queue)).append("</a>");
            }
        }
        return links.append("</p>").toString();
    }

    private static void pager(StringBuilder html, String common, long offset, int limit, long nextOffset) {
        html.append("<p>");
        if (offset > 0) {
            html.append("<a id=\"earlier\" href=\"").append(common).append("&amp;offset=")
                    .append(Math.max(0, offset - limit)).append("\">Earlier</a> ");
        }
        if (nextOffset >= 0) {
            html.append("<a id=\"later\" href=\"").append(common).append("&amp;offset=").append(nextOffset)
                    .append("\">Later</a>");
        }
        html.append("</p>");
    }

    String hosts(List<QueueStatus> queues) {
        var html = new StringBuilder("<h1>Hosts</h1>");
        for (QueueStatus status : queues) {
            html.append("<h2>Queue ").append(text(status.queue())).append(status.paused()
                    ? " <span class=\"badge\">paused</span>" : "").append("</h2>");
            if (!access.readOnly()) {
                String hidden = hidden("queue", status.queue()) + hidden("back", "/hosts");
                html.append("<p>Every host: ").append(button("/hosts/pause", hidden, "Pause all", "pause-all", false))
                        .append(' ').append(button("/hosts/resume", hidden, "Resume all", "resume-all", false))
                        .append("</p>");
            }
            html.append("<table class=\"hosts\"><tr><th>host</th><th>alive</th><th>paused</th><th>in flight</th>"
                    + "<th>plugins</th>").append(access.readOnly() ? "" : "<th></th>").append("</tr>");
            for (QueueStatus.HostStatus host : status.hosts()) {
                html.append("<tr class=\"host\" data-host=\"").append(text(host.id())).append("\"><td>")
                        .append(text(host.id())).append(host.id().equals(hostId) ? " <span class=\"muted\">(this"
                                + " one)</span>" : "").append("</td><td class=\"").append(host.alive() ? "good\">yes"
                                : "bad\">no").append("</td><td class=\"paused\">").append(!host.paused() ? "no"
                                : status.paused() ? "paused (every host)" : "paused")
                        .append("</td><td class=\"n\">").append(host.inFlight()).append("</td><td>")
                        .append(text(String.join(", ", host.plugins()))).append("</td>");
                if (status.paused() && !access.readOnly()) {
                    // Resuming one host does not lift the pause of every host: Resume all does.
                    html.append("<td></td>");
                } else if (!access.readOnly()) {
                    String hidden = hidden("queue", status.queue()) + hidden("host", host.id()) + hidden("back", "/hosts");
                    html.append("<td>").append(host.paused()
                            ? button("/hosts/resume", hidden, "Resume", "resume", false)
                            : button("/hosts/pause", hidden, "Pause", "pause", false)).append("</td>");
                }
                html.append("</tr>");
            }
            html.append("</table>");
        }
        return page("Hosts", "/hosts", html.toString(), "");
    }

    String plugins(String queue, List<DashboardData.HostPlugins> hosts) {
        var html = new StringBuilder("<h1>Plugins of ").append(text(queue)).append("</h1>");
        for (DashboardData.HostPlugins host : hosts) {
            html.append("<h2>Host ").append(text(host.host())).append("</h2>");
            if (host.snapshot() == null) {
                html.append("<p class=\"muted\">").append(text(host.error())).append("</p>");
                continue;
            }
            html.append("<p class=\"muted\">").append(text(host.snapshot().directory())).append("</p>");
            html.append("<table class=\"plugins\"><tr><th>file</th><th>id</th><th>version</th><th>status</th>"
                    + "<th>reason</th><th>classes and operations</th><th>SHA-256</th></tr>");
            for (CatalogSnapshot.JarStatus jar : host.snapshot().jars()) {
                html.append("<tr><td>").append(text(jar.file())).append("</td><td>").append(text(jar.id()))
                        .append("</td><td>").append(text(jar.version())).append("</td><td class=\"")
                        .append(CatalogSnapshot.ACTIVE.equals(jar.status()) ? "good" : "bad").append("\">")
                        .append(text(jar.status())).append("</td><td>").append(text(jar.reason()))
                        .append(jar.serving() == null ? "" : " (serving: " + text(jar.serving()) + ")")
                        .append("</td><td>");
                if (jar.classes() != null) {
                    for (CatalogSnapshot.ClassStatus workerClass : jar.classes()) {
                        html.append("<div>").append(text(String.join(", ", workerClass.names()))).append(": ")
                                .append(text(String.join(", ", workerClass.operations()))).append("</div>");
                    }
                }
                html.append("</td><td><code>").append(text(jar.sha256())).append("</code></td></tr>");
            }
            html.append("</table>");
            if (host.snapshot().conflicts() != null) {
                host.snapshot().conflicts().forEach(conflict -> html.append("<p class=\"bad\">").append(text(conflict))
                        .append("</p>"));
            }
        }
        return page("Plugins", "/plugins?queue=" + queue, html.toString(), "");
    }

    String login(String problem) {
        String html = "<h1>Log in</h1><p>This host's dashboard needs its token (--http-token).</p>"
                + (problem == null ? "" : "<p class=\"bad\" id=\"login-problem\">" + text(problem) + "</p>")
                + "<form method=\"post\" action=\"/login\">" + hidden(Access.CSRF_FIELD, access.csrfToken())
                + "<label>token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\">"
                + "</label> <button id=\"login\">Log in</button></form>";
        return document("Log in", "", "<main>" + html + "</main>");
    }

    String message(String title, String detail) {
        return document(title, "", "<main><h1>" + text(title) + "</h1><p>" + text(detail) + "</p></main>");
    }

    private String page(String title, String self, String live, String controls) {
        String nav = nav("/", "Overview", self) + nav("/in-flight", "In flight", self) + nav("/dead", "Dead letters", self)
                + nav("/retries", "Retries", self) + nav("/delayed", "Delayed", self) + nav("/parked", "Parked", self)
                + nav("/schedules", "Schedules", self) + nav("/hosts", "Hosts", self) + nav("/plugins", "Plugins", self);
        return document(title, nav, "<main>" + controls + "<div id=\"live\" hx-get=\"" + text(self)
                + "\" hx-trigger=\"every " + REFRESH_SECONDS + "s\" hx-select=\"#live\" hx-swap=\"outerHTML\">" + live
                + "</div></main>");
    }

    private String document(String title, String nav, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\""
                + " content=\"width=device-width, initial-scale=1\"><title>taskhost · " + text(title) + "</title><style>"
                + STYLE + "</style><script src=\"/static/htmx.min.js\"></script></head><body hx-headers='{\""
                + Access.CSRF_HEADER + "\": \"" + access.csrfToken() + "\"}'><header><b>taskhost</b><span>"
                + text(hostId) + "</span>" + nav + (access.readOnly() ? "<span class=\"badge\" id=\"read-only\">"
                + "read-only</span>" : "") + "</header>" + body + "</body></html>";
    }

    private static String nav(String path, String label, String self) {
        boolean on = self.equals(path) || self.startsWith(path + "?") || (!path.equals("/") && self.startsWith(path));
        return "<a href=\"" + path + "\"" + (on ? " class=\"on\"" : "") + ">" + label + "</a>";
    }

    private String button(String action, String hidden, String label, String cssClass, boolean confirm) {
        return "<form class=\"inline " + cssClass + "\" method=\"post\" action=\"" + action + "\">"
                + hidden(Access.CSRF_FIELD, access.csrfToken()) + hidden
                + (confirm ? "<label><input type=\"checkbox\" name=\"confirm\" required> sure</label> " : "")
                + "<button class=\"" + cssClass + "\">" + text(label) + "</button></form>";
    }

    private static String hidden(String name, String value) {
        return value == null ? "" : "<input type=\"hidden\" name=\"" + name + "\" value=\"" + text(value) + "\">";
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(text(name)).append("</th><td>").append(text(value)).append("</td></tr>");
    }

    /** 4.2 s, 3 min 7 s, 2 h 5 min. */
    static String elapsed(long millis) {
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        if (millis < 3_600_000) {
            return millis / 60_000 + " min " + millis % 60_000 / 1000 + " s";
        }
        return millis / 3_600_000 + " h " + millis % 3_600_000 / 60_000 + " min";
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** A link built for an attribute, back as the path it stands for. */
    private static String unescape(String attribute) {
        return attribute.replace("&amp;", "&");
    }

    private String pretty(JsonNode node) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }
}
