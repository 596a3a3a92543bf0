package io.leadflow.attribution;

import io.leadflow.avro.AttributedTouch;
import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ModelCredits;
import org.apache.kafka.streams.KeyValue;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lead's share of each channel slice (tenant-local day × source / medium / campaign × model version) under one
 * revision of its attribution, and what moving from one revision to the next changes: the differences the channel
 * aggregates add up, so a correction takes the lead out of one slice and puts it in another, never in both.
 */
final class ChannelShares {
    private ChannelShares() {
    }

    /** Credited leads and outcomes of one lead in one slice. */
    record Share(double leads, double answered, double respondedWithinSla, double qualified, double won, double revenue) {
        static final Share NONE = new Share(0, 0, 0, 0, 0, 0);

        Share plus(Share other) {
            return new Share(leads + other.leads, answered + other.answered, respondedWithinSla + other.respondedWithinSla,
                    qualified + other.qualified, won + other.won, revenue + other.revenue);
        }

        Share minus(Share other) {
            return plus(new Share(-other.leads, -other.answered, -other.respondedWithinSla, -other.qualified, -other.won, -other.revenue));
        }

        boolean isZero() {
            return leads == 0 && answered == 0
                    && respondedWithinSla == 0 && qualified == 0 && won == 0 && revenue == 0;
        }
    }

    /** The lead's share of each slice under this revision (none for no revision). */
    static Map<ChannelKey, Share> of(AttributionEvent lead, ZoneId zone) {
        Map<ChannelKey, Share> shares = new LinkedHashMap<>();
        if (lead == null) {
            return shares;
        }
        String day = LocalDate.ofInstant(lead.getLeadCreatedAt(), zone).toString();
        boolean inSla = lead.getResponded() && !lead.getResponseSlaBreached();
        List<AttributedTouch> touches = lead.getTouches();
        for (ModelCredits model : lead.getModels()) {
            for (int i = 0; i < touches.size(); i++) {
                double credit = model.getCredits().get(i);
                if (credit == 0) {
                    continue;
                }
                AttributedTouch touch = touches.get(i);
                ChannelKey key = new ChannelKey(lead.getTenant(), day, model.getVersion(), touch.getSource(), touch.getMedium(),
                        touch.getCampaign() == null ? "" : touch.getCampaign());
                double revenue = model.getRevenue().isEmpty() ? 0 : model.getRevenue().get(i);
                shares.merge(key, new Share(credit, lead.getAnswered() ? credit : 0, inSla ? credit : 0, lead.getQualified() ? credit : 0,
                        lead.getWon() ? credit : 0, revenue), Share::plus);
            }
        }
        return shares;
    }

    /** What replacing {@code before} (null: a new lead) with {@code after} changes, slice by slice. */
    static List<KeyValue<ChannelKey, ChannelDelta>> deltas(AttributionEvent before, AttributionEvent after, ZoneId zone) {
        Map<ChannelKey, Share> was = of(before, zone);
        Map<ChannelKey, Share> is = of(after, zone);
        Set<ChannelKey> slices = new LinkedHashSet<>(was.keySet());
        slices.addAll(is.keySet());
        List<KeyValue<ChannelKey, ChannelDelta>> deltas = new ArrayList<>();
        for (ChannelKey slice : slices) {
            Share change = is.getOrDefault(slice, Share.NONE).minus(was.getOrDefault(slice, Share.NONE));
            int present = (is.containsKey(slice) ? 1 : 0) - (was.containsKey(slice) ? 1 : 0);
            if (present != 0 || !change.isZero()) {
                deltas.add(KeyValue.pair(slice, new ChannelDelta(after.getEventId(), after.getContactHash(), present, change.leads(),
                        change.answered(), change.respondedWithinSla(), change.qualified(), change.won(), change.revenue(), Map.of())));
            }
        }
        return deltas;
    }

    /** The contacts whose presence in the slice a delta changes, and by how much. */
    static Map<String, Integer> presence(ChannelDelta delta) {
        Map<String, Integer> presence = new HashMap<>(delta.getContacts());
        if (delta.getPresent() != 0) {
            presence.merge(delta.getContactHash(), delta.getPresent(), Integer::sum);
        }
        presence.values().removeIf(n -> n == 0);
        return presence;
    }

    /** Two deltas of one slice as one (what a task sends per slice and commit interval). */
    static ChannelDelta sum(ChannelDelta a, ChannelDelta b) {
        Map<String, Integer> contacts = presence(a);
        presence(b).forEach((contact, n) -> contacts.merge(contact, n, Integer::sum));
        contacts.values().removeIf(n -> n == 0);
        return new ChannelDelta(b.getEventId(), "", 0, a.getLeads() + b.getLeads(), a.getAnswered() + b.getAnswered(),
                a.getRespondedWithinSla() + b.getRespondedWithinSla(), a.getQualified() + b.getQualified(), a.getWon() + b.getWon(),
                a.getRevenue() + b.getRevenue(), contacts);
    }

    /** A delta that changes nothing (a lead that left a slice and came back within the interval). */
    static boolean isZero(ChannelDelta delta) {
        return presence(delta).isEmpty() && new Share(delta.getLeads(), delta.getAnswered(), delta.getRespondedWithinSla(),
                delta.getQualified(), delta.getWon(), delta.getRevenue()).isZero();
    }
}
