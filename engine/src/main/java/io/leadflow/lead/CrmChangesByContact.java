package io.leadflow.lead;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmKey;
import io.leadflow.avro.CrmStageChange;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Re-keys CRM stage changes from the CRM entity to the contact they name (Bitrix24 fetches carry the
 * client's phone), so they are processed with that contact's calls. Changes without a contact (amoCRM
 * webhooks) need the link between the CRM entity and the lead, which the CRM sink establishes.
 */
final class CrmChangesByContact implements Processor<CrmKey, CrmStageChange, ContactKey, CrmStageChange> {
    private ProcessorContext<ContactKey, CrmStageChange> context;

    @Override
    public void init(ProcessorContext<ContactKey, CrmStageChange> context) {
        this.context = context;
    }

    @Override
    public void process(Record<CrmKey, CrmStageChange> record) {
        CrmStageChange change = record.value();
        if (change != null && change.getContact() != null) {
            context.forward(record.withKey(new ContactKey(change.getTenant(), change.getContact())));
        }
    }
}
