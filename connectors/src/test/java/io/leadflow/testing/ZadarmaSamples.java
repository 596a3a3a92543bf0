package io.leadflow.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** Zadarma notifications as documented in ../shared/reference/vendor-events.md. */
public final class ZadarmaSamples {
    public static final String CALL_ID = "in_0892e63cb09c4d7a0550f77314fcd216156021ca";

    private ZadarmaSamples() {
    }

    /** The documented {@code NOTIFY_END} example, with a disposition and duration of choice. */
    public static Map<String, String> notifyEnd(String disposition, String duration) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", "NOTIFY_END");
        fields.put("call_start", "2024-05-21 14:03:27");
        fields.put("pbx_call_id", CALL_ID);
        fields.put("caller_id", "79161234567");
        fields.put("called_did", "74951234567");
        fields.put("internal", "100");
        fields.put("duration", duration);
        fields.put("disposition", disposition);
        fields.put("status_code", "16");
        fields.put("is_recorded", "1");
        fields.put("call_id_with_rec", "1647439288.1115107");
        return fields;
    }
}
