package io.leadflow.testing;

import io.leadflow.connectors.mango.MangoWebhook;
import io.leadflow.simulate.VendorPayloads;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Mango Office requests as the real PBX sends them: form fields vpbx_api_key, sign, json. */
public final class MangoRequests {
    public static final String KEY = "demo-key";
    public static final String SALT = "demo-salt";

    private MangoRequests() {
    }

    /** An incoming call summary on line 74951234567, answered by extension 101; {@code answered} false makes it a missed call. */
    public static String summaryJson(String entryId, String caller, boolean answered, long createTime) {
        Instant created = Instant.ofEpochSecond(createTime);
        return VendorPayloads.mangoSummary(entryId, true, caller, "101", "74951234567", created,
                answered ? created.plusSeconds(10) : null, created.plusSeconds(70));
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
