package io.leadflow.funnel;

import io.leadflow.attribution.OfflineNumbers;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.FunnelLead;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.MarketingSource;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.state.DeltaBuffer;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.PhoneNumbers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;


/**
 * Follows each lead through its funnel ({@link FunnelProgress}) from the lead event log, keeps where it is in a store
 * (by lead id: all of a lead's events are on its contact's partition), and works out what each event changes in the
 * funnel figures, slice by slice ({@link FunnelShares}); the changes are summed per slice and sent on, to be re-keyed
 * by slice and added up, once per commit interval ({@link DeltaBuffer}).
 */
public final class FunnelProcessor implements Processor<ContactKey, LeadEvent, FunnelKey, FunnelFigures> {
    static final String UNKNOWN_REGION = "(unknown)";
    private final LeadflowConfig config;
    private final String leadsStore;
    private final String pendingStore;
    private final OfflineNumbers offline;
    private KeyValueStore<String, FunnelLead> leads;
    private DeltaBuffer<FunnelKey, FunnelFigures> deltas;

    public FunnelProcessor(LeadflowConfig config, String leadsStore, String pendingStore) {
        this.config = config;
        this.leadsStore = leadsStore;
        this.pendingStore = pendingStore;
        this.offline = new OfflineNumbers(config);
    }

    @Override
    public void init(ProcessorContext<FunnelKey, FunnelFigures> context) {
        this.leads = context.getStateStore(leadsStore);
        this.deltas = new DeltaBuffer<FunnelKey, FunnelFigures>(context, context.getStateStore(pendingStore), FunnelShares::sum,
                FunnelShares::isZero, figures -> figures.getUpdatedAt().toEpochMilli(), null).scheduled();
    }

    @Override
    public void process(Record<ContactKey, LeadEvent> record) {
        LeadEvent event = record.value();
        TenantConfig tenant = event == null ? null : config.tenant(event.getTenant()).orElse(null);
        if (tenant == null) {
            return;
        }
        FunnelLead before = leads.get(event.getLeadId());
        FunnelLead after = FunnelProgress.apply(before, event, tenant, new FunnelProgress.Slices() {
            @Override
            public String source(String line, MarketingSource marketing) {
                return FunnelProcessor.this.source(event.getTenant(), line, marketing);
            }

            @Override
            public String region(MarketingSource marketing) {
                return marketing != null && marketing.getCity() != null ? marketing.getCity()
                        : PhoneNumbers.whereRegistered(record.key().getContact()).orElse(UNKNOWN_REGION);
            }
        });
        if (after == null || after == before) {
            return;
        }
        leads.put(event.getLeadId(), after);
        for (KeyValue<FunnelKey, FunnelFigures> delta : FunnelShares.deltas(before, after, tenant.funnels(), tenant.zone(),
                event.getOccurredAt())) {
            deltas.add(delta.key, delta.value);
        }
    }

    /** The touch's channel as marketing names it: the call tracker's, a static number's offline channel, else direct. */
    private String source(String tenant, String line, MarketingSource marketing) {
        if (marketing != null) {
            return (marketing.getSource() == null ? "(not set)" : marketing.getSource()) + " / "
                    + (marketing.getMedium() == null ? "(not set)" : marketing.getMedium());
        }
        return offline.channel(tenant, line).map(c -> c.source() + " / " + c.medium()).orElse(FunnelProgress.DIRECT);
    }
}
