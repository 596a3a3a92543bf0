package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Touch;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.RawKeys;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's keys for raw records, with the engine's own parsers: an envelope whose events all name one contact is
 * keyed {@code tenant|contact} — the bytes of that contact's key everywhere in the engine ({@code PlainKeySerde}) — so
 * it lands on the partition of the contact's lead and is handled in one task and transaction. Anything else (a CRM change
 * names a deal; a body the parser refuses, which the engine will dead-letter with its reason) keeps the vendor's key.
 */
public final class ContactKeys implements RawKeys {
    private final LeadflowConfig config;
    private final Map<Vendor, RawEventParser> parsers;

    public ContactKeys(LeadflowConfig config, Map<Vendor, RawEventParser> parsers) {
        this.config = config;
        this.parsers = parsers;
    }

    @Override
    public RawKey keyFor(RawEnvelope envelope, RawKey byStream) {
        return contactOf(envelope).map(contact -> new RawKey(envelope.getTenant(), contact)).orElse(byStream);
    }

    /** The one contact every event of the envelope names, if there is one. */
    Optional<String> contactOf(RawEnvelope envelope) {
        Optional<TenantConfig> tenant = config.tenant(envelope.getTenant());
        RawEventParser parser = parsers.get(envelope.getVendor());
        if (tenant.isEmpty() || parser == null) {
            return Optional.empty();
        }
        Parsed parsed;
        try {
            parsed = parser.parse(envelope, tenant.get());
        } catch (RuntimeException e) { // the engine parses it again and says why it cannot
            return Optional.empty();
        }
        if (!parsed.stageChanges().isEmpty()) {
            return Optional.empty();
        }
        Set<String> contacts = new HashSet<>();
        parsed.calls().stream().map(CallEvent::getContact).forEach(contacts::add);
        parsed.touches().stream().map(Touch::getContact).forEach(contacts::add);
        return contacts.size() == 1 ? Optional.of(contacts.iterator().next()) : Optional.empty();
    }
}
