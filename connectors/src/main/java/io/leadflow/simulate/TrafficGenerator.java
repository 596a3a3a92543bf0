package io.leadflow.simulate;

import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.simulate.Delivery.Produces;
import io.leadflow.simulate.VendorPayloads.Source;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Seeded, reproducible webhook traffic for a set of tenants, in the order vendors would send it. Each
 * simulated call becomes the deliveries of every vendor the tenant has: the PBX's events (Mango call
 * states in random order and the summary, or Zadarma's start and end), CallTouch's start and end
 * notifications (sometimes hours late), a callback for most missed calls, and for some answered calls a
 * deal moving through the CRM to won (with an amount) or lost. A few deliveries are sent twice.
 * The same seed and tenants give the same deliveries. Each {@link Fact} (a touch with its true source, a Bitrix24
 * deal's state) rides on the first delivery that tells it.
 */
public final class TrafficGenerator {
    private static final String[] EXTENSIONS = {"101", "102", "103", "104", "105", "106"};
    /** Relative call volume by hour of day (tenant's zone) and by weekday, Monday first. */
    private static final double[] HOURS = {0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.05, 0.2, 0.6, 1.0, 1.0, 0.95, 0.8,
            0.85, 0.95, 0.9, 0.85, 0.7, 0.45, 0.25, 0.15, 0.1, 0.06, 0.03};
    private static final double[] WEEKDAYS = {1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.3};
    private static final double PEAK = 1.15;
    private static final List<Source> SOURCES = List.of(
            new Source("yandex", "cpc", "brand", "ремонт квартир"), new Source("yandex", "cpc", "generic", "ремонт под ключ"),
            new Source("google", "cpc", "generic", "apartment renovation"), new Source("yandex", "organic", null, null),
            new Source("(direct)", "(none)", null, null), new Source("billboard", "offline", "mkad-42km", null),
            new Source("vk", "social", "autumn", null));
    private static final double[] SOURCE_WEIGHTS = {0.25, 0.1, 0.2, 0.15, 0.15, 0.1, 0.05};
    private static final String[] AMO_STAGES = {"555", "556", "557", "558"};
    private static final String[] BITRIX24_STAGES = {"NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING"};
    private static final Source DIRECT = new Source("(direct)", "(none)", null, null);
    private static final int RECENT_CALLERS = 60;

    private final TrafficModel model;
    private final List<TenantTraffic> tenants;
    private final SplittableRandom random;
    private final PriorityQueue<Delivery> pending = new PriorityQueue<>(
            Comparator.comparing(Delivery::sendAt).thenComparingLong(Delivery::order));
    /** The deliveries of the arrival being simulated, until its touch is known to ride on the earliest. */
    private final List<Delivery> arrival = new ArrayList<>();
    private Instant nextArrival;
    private long sequence;

    /** @param tenants tenant id → its configuration (the secrets the simulated vendors sign with) */
    public TrafficGenerator(TrafficModel model, Map<String, TenantConfig> tenants, Instant start) {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("No tenants to simulate");
        }
        this.model = model;
        this.random = new SplittableRandom(model.seed());
        this.tenants = tenants.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new TenantTraffic(e.getKey(), e.getValue(), model.seed())).toList();
        this.nextArrival = start;
        advanceArrival();
    }

    /** The next delivery in send order. The sequence never ends; callers stop by time or count. */
    public Delivery next() {
        while (pending.isEmpty() || !pending.peek().sendAt().isBefore(nextArrival)) {
            Instant arrival = nextArrival;
            advanceArrival();
            simulateArrival(tenants.get(random.nextInt(tenants.size())), arrival);
        }
        return pending.poll();
    }

    /** Arrivals by thinning a Poisson process: the rate follows the hour and weekday profile. */
    private void advanceArrival() {
        double perSecondAtPeak = model.callsPerDay() * tenants.size() / 86_400.0 * (model.flatProfile() ? 1 : PEAK / meanWeight());
        Instant candidate = nextArrival;
        do {
            double gapSeconds = -Math.log(1 - random.nextDouble()) / perSecondAtPeak;
            candidate = candidate.plusNanos((long) (gapSeconds * 1e9));
        } while (!model.flatProfile() && random.nextDouble() * PEAK > weight(candidate));
        nextArrival = candidate;
    }

    private double weight(Instant at) {
        ZonedDateTime local = at.atZone(tenants.get(0).config.zone());
        return HOURS[local.getHour()] * WEEKDAYS[local.getDayOfWeek().getValue() - 1];
    }

    private static double meanWeight() {
        double sum = 0;
        for (double h : HOURS) {
            for (double d : WEEKDAYS) {
                sum += h * d;
            }
        }
        return sum / (HOURS.length * WEEKDAYS.length);
    }

    private void simulateArrival(TenantTraffic tenant, Instant at) {
        String client = tenant.caller(random, model.repeatCallerRate());
        Source told = simulateContact(tenant, client, at, pick(SOURCES, SOURCE_WEIGHTS));
        Delivery first = arrival.stream().filter(d -> d.fact() == null && !d.duplicate()).min(pending.comparator()).orElse(null);
        for (Delivery delivery : arrival) {
            pending.add(delivery != first ? delivery : first.telling(new Fact.Touch(tenant.id, client,
                    at.truncatedTo(ChronoUnit.SECONDS), told.source(), told.medium(), told.campaign())));
        }
        arrival.clear();
    }

    /** Sends what the vendors report of one contact and what follows it; returns the source the touch truly had. */
    private Source simulateContact(TenantTraffic tenant, String client, Instant at, Source source) {
        if (tenant.config.calltouch() != null && random.nextDouble() < model.formRate()) {
            String requestId = Long.toString(tenant.ids++);
            send(tenant, Vendor.CALLTOUCH, at.plusSeconds(2), tenant.requests.calltouch(
                    VendorPayloads.calltouchRequest(requestId, client, at, source, tenant.config.zone()), true), Produces.TOUCH);
            return source;
        }
        boolean answered = random.nextDouble() < model.answerRate();
        String extension = EXTENSIONS[random.nextInt(EXTENSIONS.length)];
        int wait = 3 + random.nextInt(35);
        int talk = answered ? 30 + random.nextInt(Math.max(1, model.maxTalkSeconds() - 30)) : 0;
        Instant answeredAt = answered ? at.plusSeconds(wait) : null;
        Instant ended = at.plusSeconds(wait + talk);
        boolean pbx = pbxCall(tenant, true, client, extension, at, answeredAt, ended);
        boolean tracked = tenant.config.calltouch() != null && (random.nextDouble() < model.trackedRate() || !pbx);
        if (tracked) {
            String callId = Long.toString(tenant.ids++);
            send(tenant, Vendor.CALLTOUCH, at.plusSeconds(1), tenant.requests.calltouch(VendorPayloads.calltouchCall(
                    callId, client, tenant.line, at, null, answered, source, tenant.config.zone()), false), Produces.TOUCH);
            Duration late = random.nextDouble() < model.lateRate() ? scaled(Duration.ofMinutes(60 + random.nextInt(300))) : Duration.ofSeconds(5);
            send(tenant, Vendor.CALLTOUCH, ended.plus(late), tenant.requests.calltouch(VendorPayloads.calltouchCall(
                    callId, client, tenant.line, at, wait + talk, answered, source, tenant.config.zone()), true), Produces.NOTHING);
        }
        if (!answered && random.nextDouble() < model.callbackRate()) {
            Instant callback = ended.plus(scaled(Duration.ofMinutes(5 + random.nextInt(115))));
            boolean reached = random.nextDouble() < 0.6;
            pbxCall(tenant, false, client, extension, callback, reached ? callback.plusSeconds(15) : null,
                    callback.plusSeconds(reached ? 15 + 60 + random.nextInt(300) : 30));
        }
        if (answered && random.nextDouble() < model.dealRate()) {
            deal(tenant, client, ended, extension);
        }
        return tracked ? source : DIRECT;
    }

    /** The PBX's view of one call; false when the tenant has no PBX connected. */
    private boolean pbxCall(TenantTraffic tenant, boolean inbound, String client, String extension, Instant start,
                            Instant answeredAt, Instant ended) {
        String callId = Long.toString(tenant.ids++);
        if (tenant.config.mango() != null) {
            String entryId = "sim-" + tenant.id + "-" + callId;
            String legId = entryId + "-leg";
            String[] states = answeredAt == null ? new String[]{"Appeared", "Disconnected"} : new String[]{"Appeared", "Connected", "Disconnected"};
            for (int seq = 1; seq <= states.length; seq++) {
                // Mango delivers call states in parallel: they often arrive out of seq order
                send(tenant, Vendor.MANGO, start.plusMillis(random.nextInt(3_000)), tenant.requests.mango("call",
                        VendorPayloads.mangoCallEvent(entryId, legId, seq, states[seq - 1], client, tenant.line, start)), Produces.NOTHING);
            }
            send(tenant, Vendor.MANGO, ended.plusSeconds(1 + random.nextInt(4)), tenant.requests.mango("summary",
                    VendorPayloads.mangoSummary(entryId, inbound, client, extension, tenant.line, start, answeredAt, ended)), Produces.CALL);
        } else if (tenant.config.zadarma() != null) {
            String pbxCallId = (inbound ? "in_" : "out_") + "sim" + tenant.id.hashCode() + "x" + callId;
            if (inbound) {
                send(tenant, Vendor.ZADARMA, start, tenant.requests.zadarma(
                        VendorPayloads.zadarmaStart(pbxCallId, client, tenant.line, start, tenant.config.zone())), Produces.NOTHING);
            }
            int duration = (int) Duration.between(answeredAt == null ? start : answeredAt, ended).toSeconds();
            send(tenant, Vendor.ZADARMA, ended.plusSeconds(1), tenant.requests.zadarma(VendorPayloads.zadarmaEnd(pbxCallId,
                    inbound, client, extension, tenant.line, start, duration, answeredAt != null, tenant.config.zone())), Produces.CALL);
        } else {
            return false;
        }
        return true;
    }

    /** A deal that moves through the pipeline after the call, to won (with an amount) or lost. */
    private void deal(TenantTraffic tenant, String client, Instant after, String extension) {
        String dealId = Long.toString(10_000 + tenant.ids++);
        boolean won = random.nextDouble() < model.winRate();
        int stagesReached = 1 + random.nextInt(AMO_STAGES.length);
        long price = 10_000L * (1 + random.nextInt(50));
        Instant at = after.plus(scaled(Duration.ofMinutes(10)));
        String contactId = tenant.contactId(client);
        if (tenant.config.amocrm() != null) {
            // amoCRM webhooks carry the status but not the client: the engine fetches the deal, which the Fact carries
            String previous = null;
            for (int i = 0; i <= stagesReached; i++) {
                boolean last = i == stagesReached;
                String status = last ? (won ? "142" : "143") : AMO_STAGES[i];
                Fact.DealState state = new Fact.DealState(tenant.id, dealId, status, last ? (won ? "S" : "F") : "P", price, contactId,
                        client, at.truncatedTo(ChronoUnit.SECONDS));
                send(tenant, Vendor.AMOCRM, at, tenant.requests.amocrm(VendorPayloads.amocrmLead(i == 0 ? "add" : "status", dealId,
                        status, previous, "user-" + extension, price, at)), Produces.STAGE_CHANGE, state);
                previous = status;
                if (!last) {
                    at = at.plus(scaled(Duration.ofHours(4 + random.nextInt(44))));
                }
            }
        } else if (tenant.config.bitrix24() != null) {
            // Bitrix24 events name the deal only; the engine fetches its state, which the Fact carries for the portal
            for (int i = 0; i <= stagesReached; i++) {
                boolean last = i == stagesReached;
                Fact.DealState state = new Fact.DealState(tenant.id, dealId, last ? (won ? "WON" : "LOSE") : BITRIX24_STAGES[i],
                        last ? (won ? "S" : "F") : "P", price, contactId, client, at.truncatedTo(ChronoUnit.SECONDS));
                send(tenant, Vendor.BITRIX24, at, tenant.requests.bitrix24(i == 0 ? "ONCRMDEALADD" : "ONCRMDEALUPDATE", dealId,
                        at.getEpochSecond()), Produces.NOTHING, state);
                at = at.plus(scaled(Duration.ofHours(4 + random.nextInt(44))));
            }
        }
    }

    private void send(TenantTraffic tenant, Vendor vendor, Instant at, WebhookRequest request, Produces produces) {
        send(tenant, vendor, at, request, produces, null);
    }

    private void send(TenantTraffic tenant, Vendor vendor, Instant at, WebhookRequest request, Produces produces, Fact fact) {
        arrival.add(new Delivery(at, sequence++, tenant.id, vendor, request, produces, false, fact));
        if (random.nextDouble() < model.duplicateRate()) {
            arrival.add(new Delivery(at.plusSeconds(1 + random.nextInt(30)), sequence++, tenant.id, vendor, request,
                    Produces.NOTHING, true, null));
        }
    }

    private Duration scaled(Duration delay) {
        return Duration.ofMillis(Math.max(1_000, (long) (delay.toMillis() * model.timeScale())));
    }

    private <T> T pick(List<T> items, double[] weights) {
        double r = random.nextDouble();
        for (int i = 0; i < items.size(); i++) {
            r -= weights[i];
            if (r < 0) {
                return items.get(i);
            }
        }
        return items.get(items.size() - 1);
    }

    private static final class TenantTraffic {
        final String id;
        final TenantConfig config;
        final VendorRequests requests;
        final String line;
        final List<String> callers = new ArrayList<>();
        final Map<String, Integer> contactIds = new HashMap<>();
        /** Vendor ids (calls, deals, requests); runs with different seeds do not reuse them. */
        long ids;

        TenantTraffic(String id, TenantConfig config, long seed) {
            this.ids = Math.floorMod(seed, 1_000_000L) * 1_000_000L + 1;
            this.id = id;
            this.config = config;
            this.requests = new VendorRequests(id, config);
            this.line = String.format(Locale.ROOT, "7495%07d", Math.floorMod(id.hashCode(), 10_000_000));
        }

        /** The CRM contact id of a caller: stable per caller, as a CRM's own numbering would be. */
        String contactId(String caller) {
            return Integer.toString(contactIds.computeIfAbsent(caller, c -> contactIds.size() + 1));
        }

        /** A repeat caller is one of the recent ones: people call again within days, not months. */
        String caller(SplittableRandom random, double repeatRate) {
            if (!callers.isEmpty() && random.nextDouble() < repeatRate) {
                int recent = Math.min(callers.size(), RECENT_CALLERS);
                return callers.get(callers.size() - 1 - random.nextInt(recent));
            }
            String caller = String.format(Locale.ROOT, "79%09d", random.nextInt(1_000_000_000));
            callers.add(caller);
            return caller;
        }
    }
}
