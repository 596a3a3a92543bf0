package io.leadflow.config;

import java.time.ZoneId;

/**
 * One company served by this deployment.
 *
 * @param timeZone where the tenant's naive vendor times (CallTouch, Zadarma) and business days live
 * @param region   ISO country used to read phone numbers written without a country code
 * @param mango    Mango Office VPBX credentials; absent when the tenant does not use Mango
 */
public record TenantConfig(String timeZone, String region, MangoConfig mango) {
    public TenantConfig {
        timeZone = timeZone == null ? "Europe/Moscow" : timeZone;
        region = region == null ? "RU" : region;
        ZoneId.of(timeZone); // fail at load time, not on the first call
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /**
     * Mango Office: requests carry {@code vpbx_api_key} and {@code sign = sha256_hex(apiKey + json + apiSalt)}.
     *
     * @param timeOffsetSeconds added to Mango's epoch fields; Mango documents them as "UTC+3", which some
     *                          accounts deliver shifted: leave 0 unless a check against call logs says otherwise
     */
    public record MangoConfig(String apiKey, String apiSalt, long timeOffsetSeconds) {
        public MangoConfig {
            if (apiKey == null || apiKey.isBlank() || apiSalt == null || apiSalt.isBlank()) {
                throw new IllegalArgumentException("mango.apiKey and mango.apiSalt are required");
            }
        }
    }
}
