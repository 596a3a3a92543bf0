package io.leadflow.connectors.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.Alert;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alerts as Telegram messages ({@code sendMessage} of the tenant's bot): to the chat of each recipient the tenant
 * mapped ({@code alerts.telegram.chats}), or to its default chat (a team group). A chat that refuses the bot (it was
 * blocked, or the chat is gone) is skipped with a warning so the others still hear; a bot token Telegram refuses
 * stops delivery until someone fixes it.
 */
public final class TelegramAlertSink extends AlertSink {
    private static final Logger log = LoggerFactory.getLogger(TelegramAlertSink.class);
    private static final int REMEMBERED = 10_000;
    /** The Bot API lets a bot send about 30 messages a second, fewer to one chat. */
    private static final double MESSAGES_PER_SECOND = 25;

    private final Map<String, VendorApi> bots = new TreeMap<>();
    /** alert id + chat already sent: when one chat of an alert fails and the alert is retried, the others are not repeated. */
    private final Set<String> sent = java.util.Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    private TelegramAlertSink(Map<String, Receiver> receivers, Topics topics, String bootstrapServers, VendorApi.Factory apis, Clock clock) {
        super("telegram", receivers, topics, bootstrapServers, clock);
        receivers.keySet().forEach(tenant -> bots.put(tenant, apis.create("Telegram bot of tenant " + tenant, MESSAGES_PER_SECOND)));
    }

    /** Starts when at least one tenant has {@code alerts.telegram}; null otherwise. */
    public static TelegramAlertSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis,
                                                      Clock clock) {
        return startFor(config, a -> a.telegram() != null,
                receivers -> new TelegramAlertSink(receivers, topics, bootstrapServers, apis, clock));
    }

    @Override
    protected void send(Alert alert, Receiver receiver) throws VendorApiException, InterruptedException {
        AlertsConfig.Telegram telegram = receiver.alerts().telegram();
        Set<String> chats = new LinkedHashSet<>();
        alert.getRecipients().forEach(r -> {
            if (telegram.chats().containsKey(r)) {
                chats.add(telegram.chats().get(r));
            }
        });
        if (chats.isEmpty() && telegram.defaultChat() != null) {
            chats.add(telegram.defaultChat());
        }
        if (chats.isEmpty()) {
            log.info("Alert {} of {} names no recipient with a Telegram chat, and there is no default chat", alert.getAlertId(),
                    alert.getTenant());
            return;
        }
        String text = AlertTexts.render(alert, receiver.alerts().language(), receiver.zone());
        VendorApi bot = bots.get(alert.getTenant());
        for (String chat : chats) {
            if (sent.contains(alert.getAlertId() + "|" + chat)) {
                continue;
            }
            ObjectNode message = JsonNodeFactory.instance.objectNode().put("chat_id", chat).put("text", text)
                    .put("disable_web_page_preview", true);
            try {
                bot.post(URI.create(telegram.apiUrl() + "/bot" + telegram.botToken() + "/sendMessage"), message,
                        "sendMessage to chat " + chat);
            } catch (VendorApiException e) {
                if (e.status() == 401) {
                    throw e; // the token: nothing can be sent until it is fixed
                }
                if (e.retriable()) {
                    throw e;
                }
                log.warn("Telegram refused alert {} for chat {} of {}; skipping that chat: {}", alert.getAlertId(), chat,
                        alert.getTenant(), e.getMessage());
                continue;
            }
            sent.add(alert.getAlertId() + "|" + chat);
        }
    }
}
