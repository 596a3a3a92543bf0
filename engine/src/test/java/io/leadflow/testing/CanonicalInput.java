package io.leadflow.testing;

import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.ContactKey;
import org.apache.kafka.streams.TestInputTopic;

import java.time.Instant;

/**
 * Canonical events (calls, touches, CRM stage changes) into the lead task of a driven engine, the way intake hands on
 * those it re-keys: by contact, through {@code leadflow.contact-events}.
 */
public final class CanonicalInput<V> {
    private final TestInputTopic<ContactKey, ContactEvent> contactEvents;

    CanonicalInput(TestInputTopic<ContactKey, ContactEvent> contactEvents) {
        this.contactEvents = contactEvents;
    }

    public void pipeInput(ContactKey contact, V event, Instant at) {
        contactEvents.pipeInput(contact, new ContactEvent(event), at);
    }

    public void pipeInput(ContactKey contact, V event) {
        contactEvents.pipeInput(contact, new ContactEvent(event));
    }
}
