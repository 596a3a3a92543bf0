package io.leadflow.config;

import io.leadflow.connectors.calltouch.CallTouchFields;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One company served by this deployment. Each vendor section is optional: a tenant without it gets 404
 * on that vendor's webhook.
 *
 * @param timeZone where the tenant's naive vendor times (CallTouch, Zadarma) and business days live
 * @param region   ISO country used to read phone numbers written without a country code
 * @param sla      response and stage SLAs, callbacks (defaults: first response within 24 hours)
 * @param alerts   where alerts are delivered; absent: they stay on {@code leadflow.alerts}
 * @param attribution source attribution for marketing; absent: no attribution output for this tenant
 * @param funnels  sales funnels by id, in order ({@link FunnelConfig}); absent: one default funnel, {@code sales}
 */
public record TenantConfig(String timeZone, String region, MangoConfig mango, ZadarmaConfig zadarma,
                           CallTouchConfig calltouch, Bitrix24Config bitrix24, AmoCrmConfig amocrm, LeadsConfig leads,
                           RosterConfig roster, SlaConfig sla, AlertsConfig alerts, AttributionConfig attribution,
                           Map<String, FunnelConfig> funnels) {
    public TenantConfig {
        funnels = FunnelConfig.orDefault(funnels);
        leads = leads == null ? LeadsConfig.defaults() : leads;
        if (leads.idSecret() == null && attribution != null) {
            leads = leads.withIdSecret(attribution.hashSecret());
        }
        sla = sla == null ? SlaConfig.defaults() : sla;
        roster = roster == null ? new RosterConfig(null, null, null) : roster;
        timeZone = timeZone == null ? "Europe/Moscow" : timeZone;
        region = region == null ? "RU" : region;
        ZoneId.of(timeZone); // fail at load time, not on the first call
    }

    /** A tenant with the default funnel. */
    public TenantConfig(String timeZone, String region, MangoConfig mango, ZadarmaConfig zadarma,
                        CallTouchConfig calltouch, Bitrix24Config bitrix24, AmoCrmConfig amocrm, LeadsConfig leads,
                        RosterConfig roster, SlaConfig sla, AlertsConfig alerts, AttributionConfig attribution) {
        this(timeZone, region, mango, zadarma, calltouch, bitrix24, amocrm, leads, roster, sla, alerts, attribution, null);
    }

    /** This tenant with another amoCRM section. */
    public TenantConfig withAmoCrm(AmoCrmConfig amocrm) {
        return new TenantConfig(timeZone, region, mango, zadarma, calltouch, bitrix24, amocrm, leads, roster, sla, alerts, attribution,
                funnels);
    }

    /** A tenant with only Mango Office configured. */
    public TenantConfig(String timeZone, String region, MangoConfig mango) {
        this(timeZone, region, mango, null, null, null, null, null, null, null, null, null);
    }

    /** A tenant with the default lead rules. */
    public TenantConfig(String timeZone, String region, MangoConfig mango, ZadarmaConfig zadarma,
                        CallTouchConfig calltouch, Bitrix24Config bitrix24, AmoCrmConfig amocrm) {
        this(timeZone, region, mango, zadarma, calltouch, bitrix24, amocrm, null, null, null, null, null);
    }

    /**
     * How calls become leads.
     *
     * @param correlationTolerance a tracked call (CallTouch) and a PBX call of the same caller on the same line
     *                             this close in time are one physical call (default 2 minutes)
     * @param quietPeriod          a lead with no touch for this long is closed; the contact's next touch opens a
     *                             new one (default 30 days)
     * @param minCallbackTalk      a manager's call to the contact counts as a response when they talked at least
     *                             this long (default 10 seconds); shorter or unanswered ones are failed callbacks
     * @param idSecret             the key lead ids are derived with (HMAC), so that no one can compute a lead id from a
     *                             phone number; default: {@code attribution.hashSecret}. The engine refuses to start
     *                             for a tenant with neither. Changing it gives new leads other ids from then on.
     */
    public record LeadsConfig(Duration correlationTolerance, Duration quietPeriod, Duration minCallbackTalk, String idSecret) {
        public LeadsConfig {
            correlationTolerance = correlationTolerance == null ? Duration.ofMinutes(2) : correlationTolerance;
            quietPeriod = quietPeriod == null ? Duration.ofDays(30) : quietPeriod;
            minCallbackTalk = minCallbackTalk == null ? Duration.ofSeconds(10) : minCallbackTalk;
            idSecret = idSecret == null || idSecret.isBlank() ? null : idSecret;
        }

        public LeadsConfig(Duration correlationTolerance, Duration quietPeriod, Duration minCallbackTalk) {
            this(correlationTolerance, quietPeriod, minCallbackTalk, null);
        }

        public static LeadsConfig defaults() {
            return new LeadsConfig(null, null, null, null);
        }

        LeadsConfig withIdSecret(String secret) {
            return new LeadsConfig(correlationTolerance, quietPeriod, minCallbackTalk, secret);
        }
    }

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    /**
     * Mango Office: requests carry {@code vpbx_api_key} and {@code sign = sha256_hex(apiKey + json + apiSalt)}.
     *
     * @param timeOffsetSeconds added to Mango's epoch fields; Mango documents them as "UTC+3", which some
     *                          accounts deliver shifted: leave 0 unless a check against call logs says otherwise
     */
    public record MangoConfig(String apiKey, String apiSalt, long timeOffsetSeconds) {
        public MangoConfig {
            required(apiKey, "mango.apiKey");
            required(apiSalt, "mango.apiSalt");
        }
    }

    /** Zadarma / Novofon: {@code Signature = base64(hex(HMAC-SHA1(apiSecret, fields of the event)))}. */
    public record ZadarmaConfig(String apiSecret) {
        public ZadarmaConfig {
            required(apiSecret, "zadarma.apiSecret");
        }
    }

    /**
     * CallTouch HTTP notifications. CallTouch signs nothing: integrators put a secret token in the URL
     * ({@code ?secret=}) and may restrict the sender to CallTouch's subnet (92.118.66.0/23).
     *
     * @param fields     parameter names, which every account chooses itself: logical name → parameter
     *                   (defaults in {@code CallTouchFields})
     * @param timeFormat how {@code calltime} is written when it is not epoch seconds, e.g. {@code dd/MM/yyyy H:mm:ss}
     */
    public record CallTouchConfig(String secret, List<String> allowedSubnets, Map<String, String> fields, String timeFormat,
                                  CallTouchApi api) {
        /** Webhooks only, no reconciliation. */
        public CallTouchConfig(String secret, List<String> allowedSubnets, Map<String, String> fields, String timeFormat) {
            this(secret, allowedSubnets, fields, timeFormat, null);
        }

        public CallTouchConfig {
            required(secret, "calltouch.secret");
            allowedSubnets = allowedSubnets == null ? List.of() : List.copyOf(allowedSubnets);
            fields = fields == null ? Map.of() : Map.copyOf(fields);
            timeFormat = timeFormat == null ? "dd/MM/yyyy H:mm:ss" : timeFormat;
            // typos must fail at load time, not on the first notification
            allowedSubnets.forEach(Cidr::parse);
            java.time.format.DateTimeFormatter.ofPattern(timeFormat);
            fields.keySet().stream().filter(k -> !CallTouchFields.DEFAULTS.containsKey(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("calltouch.fields." + k + " is not one of " + new java.util.TreeSet<>(CallTouchFields.DEFAULTS.keySet()));
            });
        }
    }

    /**
     * CallTouch's API, pulled on a schedule to recover notifications that never arrived: the calls diary
     * (authoritative) and the form requests.
     *
     * @param siteId            the CallTouch site (project) id
     * @param clientApiId       the API token ({@code clientApiId})
     * @param baseUrl           default {@code https://api.calltouch.ru}
     * @param pollInterval      how often to pull (default 10 minutes)
     * @param lookback          how far back each pull re-reads, for records CallTouch publishes late (default 6 hours)
     * @param pageSize          records per diary page, at most 1000 (default 500)
     * @param requestsPerSecond at most this many API calls per second (default 2)
     */
    public record CallTouchApi(String siteId, String clientApiId, String baseUrl, Duration pollInterval,
                               Duration lookback, Integer pageSize, Double requestsPerSecond) {
        public CallTouchApi {
            required(siteId, "calltouch.api.siteId");
            required(clientApiId, "calltouch.api.clientApiId");
            baseUrl = baseUrl == null ? "https://api.calltouch.ru" : baseUrl.replaceAll("/+$", "");
            pollInterval = pollInterval == null ? Duration.ofMinutes(10) : pollInterval;
            lookback = lookback == null ? Duration.ofHours(6) : lookback;
            pageSize = pageSize == null ? 500 : pageSize;
            requestsPerSecond = requestsPerSecond == null ? 2.0 : requestsPerSecond;
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("calltouch.api.pageSize must be 1..1000");
            }
        }
    }

    /**
     * Bitrix24 outbound events carry {@code auth[application_token]}, compared with this token.
     *
     * @param restUrl the portal's inbound webhook, e.g. {@code https://acme.bitrix24.ru/rest/1/abc123/}, used to
     *                fetch the deal or lead an event names; without it events are stored but not enriched
     * @param leads   optional: put leadflow's leads and their calls into the portal (needs {@code restUrl})
     * @param requestsPerSecond REST calls allowed per second: 2 for a cloud portal (its documented limit, the default);
     *                an on-premise portal sets its own
     * @param productField a deal field whose value names what the deal sells (e.g. {@code UF_CRM_1700000000001}),
     *                for the funnel's product slice; a list field counts by its first value
     */
    public record Bitrix24Config(String applicationToken, String restUrl, Bitrix24Leads leads, Double requestsPerSecond,
                                 String productField) {
        public Bitrix24Config {
            required(applicationToken, "bitrix24.applicationToken");
            requestsPerSecond = requestsPerSecond == null ? 2.0 : requestsPerSecond;
            if (requestsPerSecond <= 0) {
                throw new IllegalArgumentException("bitrix24.requestsPerSecond must be positive");
            }
            if (leads != null && restUrl == null) {
                throw new IllegalArgumentException("bitrix24.leads needs bitrix24.restUrl to reach the portal");
            }
        }

        /** Events and enrichment only. */
        public Bitrix24Config(String applicationToken, String restUrl) {
            this(applicationToken, restUrl, null, null, null);
        }

        /** At the cloud portal's rate. */
        public Bitrix24Config(String applicationToken, String restUrl, Bitrix24Leads leads) {
            this(applicationToken, restUrl, leads, null, null);
        }
    }

    /**
     * The Bitrix24 lead sink.
     *
     * @param defaultUserId the portal user who owns leads and calls whose manager has no {@code crm.bitrix24} id in
     *                      the roster (default 1, the portal's first administrator)
     * @param sourceId      {@code SOURCE_ID} of leads from calls (default {@code CALL}); forms get {@code WEB}
     */
    public record Bitrix24Leads(String defaultUserId, String sourceId) {
        public Bitrix24Leads {
            defaultUserId = defaultUserId == null ? "1" : defaultUserId;
            sourceId = sourceId == null ? "CALL" : sourceId;
        }
    }

    /**
     * amoCRM webhooks are unsigned: the URL carries a secret token ({@code ?secret=}).
     *
     * @param apiUrl      the account's address, e.g. {@code https://acme.amocrm.ru}: with {@code accessToken}, webhooks'
     *                    deals are fetched with their contact (without, their stage changes reach no lead); needed by
     *                    the lead sink
     * @param accessToken a long-lived token of the account's private integration (sent as a bearer token)
     * @param leads       optional: put leadflow's leads, owners and calls into the account as deals
     * @param requestsPerSecond API calls per second (default 7, amoCRM's documented limit per integration); the
     *                    enrichment of webhooks and the lead sink each use half
     * @param productField id of a deal field whose value names what the deal sells, for the funnel's product slice
     */
    public record AmoCrmConfig(String secret, String apiUrl, String accessToken, AmoCrmLeads leads, Double requestsPerSecond,
                               Long productField) {
        public AmoCrmConfig {
            required(secret, "amocrm.secret");
            if (leads != null && (apiUrl == null || accessToken == null)) {
                throw new IllegalArgumentException("amocrm.leads needs amocrm.apiUrl and amocrm.accessToken to reach the account");
            }
            requestsPerSecond = requestsPerSecond == null ? 7.0 : requestsPerSecond;
            if (requestsPerSecond <= 0) {
                throw new IllegalArgumentException("amocrm.requestsPerSecond must be positive");
            }
        }

        /** With the account's API at hand: webhooks' deals are fetched with their contact. */
        public boolean canFetch() {
            return apiUrl != null && accessToken != null;
        }

        /** Webhooks only. */
        public AmoCrmConfig(String secret) {
            this(secret, null, null, null, null, null);
        }

        /** At amoCRM's documented rate, without products. */
        public AmoCrmConfig(String secret, String apiUrl, String accessToken, AmoCrmLeads leads) {
            this(secret, apiUrl, accessToken, leads, null, null);
        }
    }

    /**
     * The amoCRM lead sink. amoCRM has no external-id field of its own, so the account needs a text field on deals
     * that holds leadflow's lead id: the sink searches it before adding a deal, which makes a retried add safe.
     *
     * @param leadIdField   id of that custom field (Settings → Deals → fields)
     * @param defaultUserId responsible user of deals whose manager has no {@code crm.amocrm} id in the roster;
     *                      when absent amoCRM makes the integration's user responsible
     * @param pipelineId    pipeline of new deals (default: the account's main pipeline)
     * @param statusId      stage of new deals in that pipeline (default: its first stage)
     */
    public record AmoCrmLeads(Long leadIdField, Long defaultUserId, Long pipelineId, Long statusId) {
        public AmoCrmLeads {
            if (leadIdField == null) {
                throw new IllegalArgumentException("amocrm.leads.leadIdField is required: a text field on deals that keeps "
                        + "leadflow's lead id, so a retried delivery finds its deal instead of adding a second one");
            }
            if (statusId != null && pipelineId == null) {
                throw new IllegalArgumentException("amocrm.leads.statusId needs amocrm.leads.pipelineId");
            }
        }
    }
}
