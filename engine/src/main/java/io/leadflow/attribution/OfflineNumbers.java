package io.leadflow.attribution;

import io.leadflow.config.AttributionConfig.OfflineChannel;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.intake.PhoneNumbers;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The tenants' static numbers advertised offline, by E.164 (configured as people write them; calls carry E.164). */
public final class OfflineNumbers {
    private final Map<String, Map<String, OfflineChannel>> byTenant = new HashMap<>();

    public OfflineNumbers(LeadflowConfig config) {
        config.tenants().forEach((id, tenant) -> {
            Map<String, OfflineChannel> numbers = new HashMap<>();
            if (tenant.attribution() != null) {
                tenant.attribution().offlineNumbers().forEach((number, channel) ->
                        PhoneNumbers.toE164(number, tenant.region()).ifPresent(e164 -> numbers.put(e164, channel)));
            }
            byTenant.put(id, numbers);
        });
    }

    /** The offline channel a call to {@code line} came from, if the line is one of the tenant's static numbers. */
    public Optional<OfflineChannel> channel(String tenant, String line) {
        return line == null ? Optional.empty() : Optional.ofNullable(byTenant.getOrDefault(tenant, Map.of()).get(line));
    }
}
