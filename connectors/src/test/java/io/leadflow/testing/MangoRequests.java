package io.leadflow.testing;

import io.leadflow.connectors.mango.MangoWebhook;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Mango Office requests as the real PBX sends them: form fields vpbx_api_key, sign, json. */
public final class MangoRequests {
    public static final String KEY = "demo-key";
    public static final String SALT = "demo-salt";

    private MangoRequests() {
    }

    /** An incoming call summary; {@code answered} false makes it a missed call. */
    public static String summaryJson(String entryId, String caller, boolean answered, long createTime) {
        return String.format(Locale.ROOT,
                "{\"entry_id\":\"%s\",\"call_direction\":1,\"from\":{\"number\":\"%s\"},"
                        + "\"to\":{\"extension\":\"101\",\"number\":\"74951234567\"},\"line_number\":\"74951234567\","
                        + "\"create_time\":%d,\"forward_time\":%d,\"talk_time\":%d,\"end_time\":%d,\"entry_result\":%d,"
                        + "\"disconnect_reason\":%d}",
                entryId, caller, createTime, createTime + 2, answered ? createTime + 10 : 0, createTime + 70,
                answered ? 1 : 0, answered ? 1100 : 1111);
    }

    public static String signedForm(String json) {
        return form(KEY, MangoWebhook.sign(KEY, json, SALT), json);
    }

    public static String form(String key, String sign, String json) {
        return "vpbx_api_key=" + enc(key) + "&sign=" + enc(sign) + "&json=" + enc(json);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
