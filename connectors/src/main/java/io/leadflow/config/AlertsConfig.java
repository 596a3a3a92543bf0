package io.leadflow.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a tenant's alerts (SLA warnings, breaches, reassignments, callback tasks, leads nobody could take) are
 * delivered. Every configured channel gets every alert.
 * <pre>
 *   alerts:
 *     language: ru                    # ru (default) or en
 *     telegram: {botToken: "123:ABC", chats: {olga: "100500"}, defaultChat: "-1001234567890"}
 *     webhook: {url: "https://crm.example/hooks/leadflow", secret: "s3cret"}
 *     alertmanager: {url: "http://alertmanager:9093"}
 * </pre>
 *
 * @param language     of the messages: {@code ru} or {@code en}
 * @param maxAge       an alert older than this when its sink reads it is dropped, not sent: after a replay or a long
 *                     outage people want today's alerts, not last month's (default 6 hours)
 */
public record AlertsConfig(String language, Duration maxAge, Telegram telegram, Webhook webhook, Alertmanager alertmanager) {
    public static final Set<String> LANGUAGES = Set.of("ru", "en");

    public AlertsConfig {
        language = language == null ? "ru" : language.toLowerCase(Locale.ROOT);
        maxAge = maxAge == null ? Duration.ofHours(6) : maxAge;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("alerts.language must be one of " + LANGUAGES + ", not '" + language + "'");
        }
    }

    /**
     * Telegram Bot API ({@code sendMessage}).
     *
     * @param chats       recipient (manager id) → their chat with the bot
     * @param defaultChat where alerts go that name no recipient with a chat (a team group); absent: those are not sent
     * @param apiUrl      default {@code https://api.telegram.org}
     */
    public record Telegram(String botToken, Map<String, String> chats, String defaultChat, String apiUrl) {
        public Telegram {
            TenantConfig.required(botToken, "alerts.telegram.botToken");
            chats = chats == null ? Map.of() : Map.copyOf(chats);
            apiUrl = apiUrl == null ? "https://api.telegram.org" : apiUrl.replaceAll("/+$", "");
        }
    }

    /**
     * A JSON POST per alert, signed: {@code X-Leadflow-Signature: sha256=<hex HMAC-SHA256(secret, body)>}, and
     * {@code Idempotency-Key: <alert id>} so a receiver can drop a repeat.
     */
    public record Webhook(String url, String secret) {
        public Webhook {
            TenantConfig.required(url, "alerts.webhook.url");
            TenantConfig.required(secret, "alerts.webhook.secret");
        }
    }

    /**
     * Prometheus Alertmanager ({@code POST /api/v2/alerts}); its own routes send the alerts on.
     *
     * @param labels added to every alert, e.g. {@code {env: prod}}
     */
    public record Alertmanager(String url, Map<String, String> labels) {
        public Alertmanager {
            TenantConfig.required(url, "alerts.alertmanager.url");
            url = url.replaceAll("/+$", "");
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }
}
