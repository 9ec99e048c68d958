package io.taskhost.examples.taskpro;

import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Answers to {@code "class": "MailTasks"}, its simple name. The params bind to a record, so the
 * producer's {@code "user_id": "42"} (a PHP string) arrives as a number.
 */
@Extension
public class MailTasks implements TaskWorker {

    public record WelcomeMail(long user_id, String locale) {
    }

    public Map<String, Object> _task_send_welcome_mail(WelcomeMail mail, TaskContext context) {
        String locale = mail.locale() == null ? "en" : mail.locale();
        context.logger().log(System.Logger.Level.INFO, "welcome mail for user " + mail.user_id() + " in " + locale);
        return Map.of("user_id", mail.user_id(), "template", "welcome." + locale, "attempt", context.attempt());
    }
}
