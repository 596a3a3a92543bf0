package io.leadflow.simulate;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Payloads shaped exactly like the vendors' (see ../shared/reference/vendor-events.md), unsigned. */
public final class VendorPayloads {
    private static final DateTimeFormatter ZADARMA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter CALLTOUCH_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy H:mm:ss", Locale.ROOT);

    private VendorPayloads() {
    }

    /**
     * Mango {@code events/summary}. {@code answeredAt} null = nobody talked.
     *
     * @param inbound true: the client called the line; false: the employee called the client
     */
    public static String mangoSummary(String entryId, boolean inbound, String client, String extension, String line,
                                      Instant created, Instant answeredAt, Instant ended) {
        String clientSide = "{\"number\":\"" + client + "\"}";
        String employeeSide = "{\"extension\":\"" + extension + "\",\"number\":\"" + line + "\"}";
        return String.format(Locale.ROOT,
                "{\"entry_id\":\"%s\",\"call_direction\":%d,\"from\":%s,\"to\":%s,\"line_number\":\"%s\","
                        + "\"create_time\":%d,\"forward_time\":%d,\"talk_time\":%d,\"end_time\":%d,\"entry_result\":%d,"
                        + "\"disconnect_reason\":%d}",
                entryId, inbound ? 1 : 2, inbound ? clientSide : employeeSide, inbound ? employeeSide : clientSide, line,
                created.getEpochSecond(), created.getEpochSecond() + 2, answeredAt == null ? 0 : answeredAt.getEpochSecond(),
                ended.getEpochSecond(), answeredAt == null ? 0 : 1, answeredAt == null ? 1111 : 1100);
    }

    /** Mango {@code events/call}: one state of one leg, numbered by {@code seq}. */
    public static String mangoCallEvent(String entryId, String callId, int seq, String state, String client, String line,
                                        Instant at) {
        return String.format(Locale.ROOT,
                "{\"entry_id\":\"%s\",\"call_id\":\"%s\",\"timestamp\":%d,\"seq\":%d,\"call_state\":\"%s\","
                        + "\"location\":\"abonent\",\"from\":{\"number\":\"%s\"},\"to\":{\"number\":\"%s\",\"line_number\":\"%s\"}}",
                entryId, callId, at.getEpochSecond(), seq, state, client, line, line);
    }

    /** Zadarma {@code NOTIFY_END} (inbound) or {@code NOTIFY_OUT_END} (outbound), times in the account's zone. */
    public static Map<String, String> zadarmaEnd(String pbxCallId, boolean inbound, String client, String extension,
                                                 String line, Instant start, int durationSeconds, boolean answered, ZoneId zone) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", inbound ? "NOTIFY_END" : "NOTIFY_OUT_END");
        fields.put("call_start", ZADARMA_TIME.format(start.atZone(zone)));
        fields.put("pbx_call_id", pbxCallId);
        fields.put("caller_id", inbound ? client : line);
        if (inbound) {
            fields.put("called_did", line);
        } else {
            fields.put("destination", client);
        }
        fields.put("internal", extension);
        fields.put("duration", Integer.toString(durationSeconds));
        fields.put("disposition", answered ? "answered" : "no answer");
        fields.put("status_code", answered ? "16" : "19");
        fields.put("is_recorded", answered ? "1" : "0");
        return fields;
    }

    /** Zadarma {@code NOTIFY_START}: an inbound call begins. */
    public static Map<String, String> zadarmaStart(String pbxCallId, String client, String line, Instant start, ZoneId zone) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", "NOTIFY_START");
        fields.put("call_start", ZADARMA_TIME.format(start.atZone(zone)));
        fields.put("pbx_call_id", pbxCallId);
        fields.put("caller_id", client);
        fields.put("called_did", line);
        return fields;
    }

    /** A CallTouch call notification; {@code durationSeconds} null = the call-start notification. */
    public static Map<String, String> calltouchCall(String callId, String client, String trackingNumber, Instant start,
                                                    Integer durationSeconds, boolean answered, Source source, ZoneId zone) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", callId);
        params.put("callerphone", client);
        params.put("phonenumber", trackingNumber);
        params.put("calltime", CALLTOUCH_TIME.format(start.atZone(zone)));
        if (durationSeconds != null) {
            params.put("duration", durationSeconds.toString());
            params.put("status", answered ? "successful" : "unsuccessful");
        }
        source.addTo(params);
        params.put("city", cityOf(client));
        return params;
    }

    /** A CallTouch form request. */
    public static Map<String, String> calltouchRequest(String requestId, String client, Instant at, Source source, ZoneId zone) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("requestid", requestId);
        params.put("callerphone", client);
        params.put("calltime", CALLTOUCH_TIME.format(at.atZone(zone)));
        source.addTo(params);
        params.put("city", cityOf(client));
        return params;
    }

    /** amoCRM {@code leads[<action>][0]} for one deal. */
    public static Map<String, String> amocrmLead(String action, String id, String statusId, String oldStatusId,
                                                 String responsibleUserId, Long price, Instant modified) {
        String prefix = "leads[" + action + "][0]";
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(prefix + "[id]", id);
        fields.put(prefix + "[status_id]", statusId);
        if (oldStatusId != null) {
            fields.put(prefix + "[old_status_id]", oldStatusId);
        }
        fields.put(prefix + "[pipeline_id]", "1");
        fields.put(prefix + "[responsible_user_id]", responsibleUserId);
        fields.put(prefix + "[last_modified]", Long.toString(modified.getEpochSecond()));
        if (price != null) {
            fields.put(prefix + "[price]", price.toString());
        }
        return fields;
    }

    private static final String[] CITIES = {"Moscow", "Moscow", "Moscow", "Khimki", "Podolsk", "Balashikha", "Tver"};

    /** Where call tracking locates a simulated caller: the same city for the same number, no randomness to disturb. */
    static String cityOf(String client) {
        return CITIES[Math.floorMod(client.hashCode(), CITIES.length)];
    }

    /** Where a simulated caller came from, as call tracking reports it. */
    public record Source(String source, String medium, String campaign, String keyword) {
        void addTo(Map<String, String> params) {
            params.put("source", source);
            params.put("medium", medium);
            if (campaign != null) {
                params.put("utm_campaign", campaign);
            }
            if (keyword != null) {
                params.put("keyword", keyword);
            }
        }
    }
}
