package io.leadflow.attribution;

import io.leadflow.avro.AttributedTouch;
import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.AttributionKey;
import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.AttributionReason;
import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.SlaBreached;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.ModelCredits;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.TouchHistory;
import io.leadflow.avro.Vendor;
import io.leadflow.config.AttributionConfig;
import io.leadflow.config.AttributionConfig.OfflineChannel;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.state.DeltaBuffer;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.Signatures;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Credits each lead to the touches of its contact within the lookback before it, under every
 * {@link AttributionModel}, from the lead event log (keyed by contact, so a contact's touches and leads come in
 * order to one task). It remembers each contact's touches and its current lead's latest attribution
 * ({@code TouchHistory}); a new lead gets revision 1; a touch that turns up late (dated before the lead) or a
 * correction that names the tracker's source for a call the PBX reported first gives a new revision when the credits
 * change; so do the lead's outcomes marketing measures channels by — its first response (within the SLA or not), a
 * breach of that SLA, qualification (the CRM moved it past its first stage), the deal won with its revenue. Tenants
 * without {@code attribution.hashSecret} get nothing: the output is for marketing, and carries the contact only as
 * its keyed hash.
 */
public final class AttributionProcessor implements Processor<ContactKey, LeadEvent, Object, Object> {
    /** A contact's touches kept at most, newest first: enough for any lookback of a person's contacts with a company. */
    static final int MAX_TOUCHES = 200;
    static final String NONE = "(none)";
    static final String NOT_SET = "(not set)";

    private final LeadflowConfig config;
    private final AttributionTopology.Replay replay;
    private final String storeName;
    private final String attributionChild;
    private final String deltasChild;
    private final String pendingStoreName;
    private DeltaBuffer<ChannelKey, ChannelDelta> deltas;
    private final OfflineNumbers offlineNumbers;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<ContactKey, TouchHistory> histories;

    /**
     * @param deltasChild  where each revision's changes per channel slice go ({@link ChannelShares}), summed per slice and
     *                     commit interval
     * @param pendingStore the sums waiting for the end of the interval ({@link DeltaBuffer})
     */
    public AttributionProcessor(LeadflowConfig config, AttributionTopology.Replay replay, String storeName, String attributionChild,
                                String deltasChild, String pendingStore) {
        this.config = config;
        this.replay = replay;
        this.storeName = storeName;
        this.attributionChild = attributionChild;
        this.deltasChild = deltasChild;
        this.pendingStoreName = pendingStore;
        this.offlineNumbers = new OfflineNumbers(config);
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.histories = context.getStateStore(storeName);
        this.deltas = new DeltaBuffer<ChannelKey, ChannelDelta>(context, context.getStateStore(pendingStoreName), ChannelShares::sum,
                ChannelShares::isZero, delta -> context.currentStreamTimeMs(), deltasChild).scheduled();
    }

    @Override
    public void process(Record<ContactKey, LeadEvent> record) {
        LeadEvent event = record.value();
        AttributionConfig settings = event == null ? null : config.tenant(event.getTenant()).map(TenantConfig::attribution).orElse(null);
        if (settings == null) {
            return;
        }
        TouchHistory history = Optional.ofNullable(histories.get(record.key())).orElseGet(() -> new TouchHistory(List.of(), null));
        List<AttributedTouch> touches = new ArrayList<>(history.getTouches());
        AttributionEvent current = history.getCurrent();
        boolean currentLead = current != null && current.getLeadId().equals(event.getLeadId());
        AttributionEvent next = null;
        if (event.getPayload() instanceof LeadCreated created) {
            add(touches, touch(event.getCauseId(), event.getOccurredAt(), created.getChannel(), created.getVendor(), created.getLine(),
                    created.getMarketing(), event.getTenant()));
            AttributionEvent opened = AttributionEvent.newBuilder().setEventId("").setTenant(event.getTenant()).setLeadId(event.getLeadId())
                    .setContactHash(Signatures.hmacSha256Hex(settings.hashSecret(), event.getContact())).setRevision(0)
                    .setReason(AttributionReason.LEAD_CREATED).setOccurredAt(event.getOccurredAt()).setLeadCreatedAt(event.getOccurredAt())
                    .setLeadClass(created.getLeadClass()).setReturning(created.getReturning()).setAnswered(created.getAnsweredBy() != null)
                    .setLookbackDays((int) settings.lookback().toDays()).setTouches(List.of()).setModels(List.of()).build();
            next = attribute(opened, touches, AttributionReason.LEAD_CREATED, event.getOccurredAt(), settings, replay);
        } else if (event.getPayload() instanceof LeadTouched touched) {
            AttributionReason reason;
            if (touched.getCorrection()) {
                enrich(touches, touched.getCorrects(), touched.getMarketing());
                reason = AttributionReason.TOUCH_CORRECTED;
            } else {
                add(touches, touch(touched.getTouchId(), event.getOccurredAt(), touched.getChannel(), touched.getVendor(), touched.getLine(),
                        touched.getMarketing(), event.getTenant()));
                reason = AttributionReason.LATE_TOUCH;
            }
            if (currentLead) {
                AttributionEvent revised = attribute(current, touches, reason, event.getOccurredAt(), settings, replay);
                next = revised.getTouches().equals(current.getTouches()) ? null : revised;
            }
        } else if (currentLead) {
            next = outcome(current, event.getPayload())
                    .map(o -> attribute(o.lead(), current.getTouches(), o.reason(), event.getOccurredAt(), settings, replay)).orElse(null);
        }
        TouchHistory updated = new TouchHistory(trim(touches, settings.lookback()), next != null ? next : current);
        if (!updated.equals(history)) { // most lead events (assigned, SLA steps) change no touch and no attribution
            histories.put(record.key(), updated);
        }
        boolean wanted = replay.leadsFrom() == null || next == null || !next.getLeadCreatedAt().isBefore(replay.leadsFrom());
        if (next != null && wanted) {
            long time = event.getOccurredAt().toEpochMilli();
            context.forward(new Record<>(new AttributionKey(next.getTenant(), next.getLeadId()), next, time), attributionChild);
            AttributionEvent previous = current != null && current.getLeadId().equals(next.getLeadId()) ? current : null;
            ZoneId zone = config.tenant(event.getTenant()).map(TenantConfig::zone).orElse(ZoneId.of("UTC"));
            for (var delta : ChannelShares.deltas(previous, next, zone)) {
                deltas.add(delta.key, delta.value);
            }
        }
    }

    private record Outcome(AttributionEvent lead, AttributionReason reason) {
    }

    /** What a lead event changes in the outcomes of the contact's current lead, if anything. */
    private static Optional<Outcome> outcome(AttributionEvent lead, Object payload) {
        AttributionEvent.Builder next = AttributionEvent.newBuilder(lead);
        if (payload instanceof LeadResponded && !lead.getResponded()) {
            return Optional.of(new Outcome(next.setResponded(true).build(), AttributionReason.LEAD_RESPONDED));
        }
        if (payload instanceof SlaBreached breached && breached.getPolicy().startsWith("response:") && !lead.getResponded()
                && !lead.getResponseSlaBreached()) {
            return Optional.of(new Outcome(next.setResponseSlaBreached(true).build(), AttributionReason.SLA_BREACHED));
        }
        if (payload instanceof LeadStageChanged changed && changed.getFromStage() != null && changed.getChildFunnel() == null
                && !lead.getQualified()) {
            return Optional.of(new Outcome(next.setQualified(true).build(), AttributionReason.QUALIFIED));
        }
        if (payload instanceof LeadClosed closed && closed.getOutcome() == CloseOutcome.WON && !lead.getWon()) {
            return Optional.of(new Outcome(next.setWon(true).setQualified(true)
                    .setRevenue(closed.getAmount() == null ? 0.0 : closed.getAmount()).build(), AttributionReason.DEAL_WON));
        }
        return Optional.empty();
    }

    /** The lead's next revision: its touches within the lookback, credited under every model. */
    private static AttributionEvent attribute(AttributionEvent lead, List<AttributedTouch> history, AttributionReason reason,
                                              Instant at, AttributionConfig settings, AttributionTopology.Replay replay) {
        Instant created = lead.getLeadCreatedAt();
        Instant from = created.minus(settings.lookback());
        List<AttributedTouch> touches = history.stream()
                .filter(t -> !t.getAt().isBefore(from) && !t.getAt().isAfter(created))
                .sorted(Comparator.comparing(AttributedTouch::getAt).thenComparing(AttributedTouch::getTouchId))
                .toList();
        List<ModelCredits> models = new ArrayList<>();
        for (AttributionModel model : replay.models()) {
            double[] credits = model.credits(touches, created, settings.halfLife());
            List<Double> shares = new ArrayList<>();
            List<Double> revenue = new ArrayList<>();
            for (double credit : credits) {
                shares.add(credit);
                if (lead.getRevenue() != null) {
                    revenue.add(credit * lead.getRevenue());
                }
            }
            models.add(new ModelCredits(model.id(), model.version(settings.halfLife()), shares, revenue));
        }
        int revision = lead.getRevision() + 1;
        return AttributionEvent.newBuilder(lead).setRevision(revision).setEventId(lead.getLeadId() + "#" + revision).setReason(reason)
                .setOccurredAt(at).setTouches(touches).setModels(models).build();
    }

    /** A touch as marketing sees it: the tracker's source, an offline channel's for a static number, else direct. */
    private AttributedTouch touch(String id, Instant at, TouchChannel channel, Vendor vendor, String line, MarketingSource marketing,
                                  String tenant) {
        AttributedTouch.Builder touch = AttributedTouch.newBuilder().setTouchId(id).setAt(at).setChannel(channel).setVendor(vendor)
                .setLine(line).setSource(AttributionModel.DIRECT).setMedium(NONE);
        OfflineChannel offline = offlineNumbers.channel(tenant, line).orElse(null);
        if (marketing != null) {
            withMarketing(touch, marketing);
        } else if (offline != null) {
            touch.setSource(offline.source()).setMedium(offline.medium()).setCampaign(offline.campaign());
        }
        return touch.build();
    }

    private static void withMarketing(AttributedTouch.Builder touch, MarketingSource marketing) {
        touch.setSource(marketing.getSource() == null ? NOT_SET : marketing.getSource())
                .setMedium(marketing.getMedium() == null ? NOT_SET : marketing.getMedium())
                .setCampaign(marketing.getCampaign()).setContent(marketing.getContent()).setTerm(marketing.getTerm())
                .setKeyword(marketing.getKeyword()).setLandingPage(marketing.getLandingPage()).setCity(marketing.getCity());
    }

    /** The call tracker's report of a call the PBX reported first: the touch gets the tracker's source. */
    private static void enrich(List<AttributedTouch> touches, String touchId, MarketingSource marketing) {
        if (touchId == null || marketing == null) {
            return;
        }
        for (int i = 0; i < touches.size(); i++) {
            if (touches.get(i).getTouchId().equals(touchId)) {
                AttributedTouch.Builder enriched = AttributedTouch.newBuilder(touches.get(i));
                withMarketing(enriched, marketing);
                touches.set(i, enriched.build());
            }
        }
    }

    private static void add(List<AttributedTouch> touches, AttributedTouch touch) {
        if (touches.stream().noneMatch(t -> t.getTouchId().equals(touch.getTouchId()))) {
            touches.add(touch);
        }
    }

    /** Touches too old to count for any lead from now on, and beyond the most a contact keeps, are forgotten. */
    private static List<AttributedTouch> trim(List<AttributedTouch> touches, Duration lookback) {
        Instant newest = touches.stream().map(AttributedTouch::getAt).max(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        Instant horizon = newest.minus(lookback);
        List<AttributedTouch> kept = touches.stream().filter(t -> !t.getAt().isBefore(horizon))
                .sorted(Comparator.comparing(AttributedTouch::getAt)).toList();
        return new ArrayList<>(kept.size() > MAX_TOUCHES ? kept.subList(kept.size() - MAX_TOUCHES, kept.size()) : kept);
    }
}
