package io.leadflow.intake.mango;

import io.leadflow.avro.RawEnvelope;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.RawEventParser;

/** Mango Office's events by kind: call states and summaries; recordings, DTMF, SMS and the rest are stored only. */
public final class MangoParser implements RawEventParser {
    private final MangoSummaryParser summary = new MangoSummaryParser();
    private final MangoCallStateParser callState = new MangoCallStateParser();

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        return switch (envelope.getKind()) {
            case "events/summary" -> summary.parse(envelope, tenant);
            case "events/call" -> callState.parse(envelope, tenant);
            default -> Parsed.NOTHING;
        };
    }
}
