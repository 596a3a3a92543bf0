package io.leadflow.attribution;

import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;

/**
 * Adds up the channel deltas of every lead's attribution revisions into the figures of each channel slice (one task
 * owns a slice: the deltas are keyed by it), counting unique contacts by how many of their leads are in the slice,
 * and emits the slice's new figures.
 */
public final class ChannelAggregator implements Processor<ChannelKey, ChannelDelta, ChannelKey, ChannelPerformance> {
    private final String figuresStore;
    private final String contactsStore;
    private ProcessorContext<ChannelKey, ChannelPerformance> context;
    private KeyValueStore<ChannelKey, ChannelPerformance> figures;
    private KeyValueStore<String, Integer> contacts;

    public ChannelAggregator(String figuresStore, String contactsStore) {
        this.figuresStore = figuresStore;
        this.contactsStore = contactsStore;
    }

    @Override
    public void init(ProcessorContext<ChannelKey, ChannelPerformance> context) {
        this.context = context;
        this.figures = context.getStateStore(figuresStore);
        this.contacts = context.getStateStore(contactsStore);
    }

    @Override
    public void process(Record<ChannelKey, ChannelDelta> record) {
        ChannelKey slice = record.key();
        ChannelDelta delta = record.value();
        if (slice == null || delta == null) {
            return;
        }
        ChannelPerformance current = figures.get(slice);
        ChannelPerformance.Builder next = current != null ? ChannelPerformance.newBuilder(current) : ChannelPerformance.newBuilder()
                .setTenant(slice.getTenant()).setDay(slice.getDay()).setModel(slice.getModel()).setSource(slice.getSource())
                .setMedium(slice.getMedium()).setCampaign(slice.getCampaign()).setLeads(0).setUniqueContacts(0).setAnswered(0)
                .setRespondedWithinSla(0).setQualified(0).setWon(0).setRevenue(0);
        String sliceKey = slice.getTenant() + '|' + slice.getDay() + '|' + slice.getModel() + '|' + slice.getSource() + '|'
                + slice.getMedium() + '|' + slice.getCampaign() + '|';
        ChannelShares.presence(delta).forEach((contactHash, change) -> {
            String contact = sliceKey + contactHash;
            int had = contacts.get(contact) == null ? 0 : contacts.get(contact);
            int has = had + change;
            if (has > 0) {
                contacts.put(contact, has);
            } else {
                contacts.delete(contact);
            }
            next.setUniqueContacts(next.getUniqueContacts() + (has > 0 ? 1 : 0) - (had > 0 ? 1 : 0));
        });
        ChannelPerformance updated = next.setLeads(next.getLeads() + delta.getLeads()).setAnswered(next.getAnswered() + delta.getAnswered())
                .setRespondedWithinSla(next.getRespondedWithinSla() + delta.getRespondedWithinSla())
                .setQualified(next.getQualified() + delta.getQualified()).setWon(next.getWon() + delta.getWon())
                .setRevenue(next.getRevenue() + delta.getRevenue()).setUpdatedAt(Instant.ofEpochMilli(record.timestamp())).build();
        figures.put(slice, updated);
        context.forward(new Record<>(slice, updated, record.timestamp()));
    }
}
