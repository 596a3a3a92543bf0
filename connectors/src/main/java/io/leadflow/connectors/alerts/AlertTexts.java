package io.leadflow.connectors.alerts;

import io.leadflow.avro.Alert;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What people read: an alert as a short message in the tenant's language ({@code ru} or {@code en}), times in the
 * tenant's zone. Built from the alert's fields, not its English summary, so each language reads naturally.
 */
public final class AlertTexts {
    private static final DateTimeFormatter RU = DateTimeFormatter.ofPattern("dd.MM HH:mm", new Locale("ru"));
    private static final DateTimeFormatter EN = DateTimeFormatter.ofPattern("EEE dd MMM HH:mm", Locale.ENGLISH);

    private AlertTexts() {
    }

    public static String render(Alert alert, String language, ZoneId zone) {
        boolean ru = "ru".equals(language);
        String contact = alert.getContact() != null ? alert.getContact() : alert.getLeadId();
        String owner = alert.getOwner() != null ? alert.getOwner() : (ru ? "не назначен" : "nobody yet");
        String deadline = time(alert.getDeadline(), zone, ru);
        String clock = clock(alert.getPolicy(), ru);
        return switch (alert.getKind()) {
            case SLA_WARNING -> ru
                    ? "⏳ Лид " + contact + ": приближается " + clock + " — " + deadline + ". Ответственный: " + owner + "."
                    : "⏳ Lead " + contact + ": the " + clock + " is " + deadline + ". Owner: " + owner + ".";
            case SLA_BREACHED -> ru
                    ? "🔴 Лид " + contact + ": пропущен " + clock + " (" + deadline + "), ответа нет. Ответственный: " + owner + "."
                    : "🔴 Lead " + contact + ": the " + clock + " (" + deadline + ") passed with no response. Owner: " + owner + ".";
            case LEAD_REASSIGNED -> ru
                    ? "↪️ Лид " + contact + ": нет ответа после срока " + deadline + ", передан другому менеджеру команды " + alert.getTeam() + "."
                    : "↪️ Lead " + contact + ": no response since the " + deadline + " deadline; handed to another manager of team "
                    + alert.getTeam() + ".";
            case SLA_RESOLVED -> ru
                    ? "✅ Лид " + contact + ": отработан после срока " + deadline + ". Ответственный: " + owner + "."
                    : "✅ Lead " + contact + ": dealt with after its " + deadline + " deadline. Owner: " + owner + ".";
            case CALLBACK_DUE -> ru
                    ? "📞 Перезвоните " + contact + ": пропущенный звонок. Ответственный: " + owner + "."
                    : "📞 Call " + contact + " back: a missed call. Owner: " + owner + ".";
            case LEAD_UNASSIGNED -> ru
                    ? "⚠️ Лид " + contact + ": никто не может его взять, он ждёт в очереди команды " + alert.getTeam() + "."
                    : "⚠️ Lead " + contact + ": nobody can take it; it waits in team " + alert.getTeam() + "'s queue.";
            default -> alert.getMessage();
        };
    }

    /** A one-line title (Alertmanager's summary). */
    public static String title(Alert alert, String language) {
        boolean ru = "ru".equals(language);
        return switch (alert.getKind()) {
            case SLA_WARNING -> ru ? "Срок ответа приближается" : "SLA deadline approaching";
            case SLA_BREACHED -> ru ? "Срок ответа пропущен" : "SLA breached";
            case LEAD_REASSIGNED -> ru ? "Лид передан другому менеджеру" : "Lead reassigned";
            case SLA_RESOLVED -> ru ? "Просроченный лид отработан" : "Breached lead dealt with";
            case CALLBACK_DUE -> ru ? "Пора перезвонить" : "Callback due";
            case LEAD_UNASSIGNED -> ru ? "Лид без ответственного" : "Lead without owner";
            default -> alert.getKind().name();
        };
    }

    private static String clock(String policy, boolean ru) {
        if (policy != null && policy.startsWith("stage:")) {
            String stage = policy.substring("stage:".length());
            return ru ? "срок этапа " + stage : "deadline of stage " + stage;
        }
        return ru ? "срок первого ответа" : "first-response deadline";
    }

    private static String time(Instant at, ZoneId zone, boolean ru) {
        return at == null ? "-" : (ru ? RU : EN).format(at.atZone(zone));
    }
}
