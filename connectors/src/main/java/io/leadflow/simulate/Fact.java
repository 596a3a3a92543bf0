package io.leadflow.simulate;

import java.time.Instant;

/** What really happened in simulated traffic, independent of how the vendors report it. */
public sealed interface Fact {

    /**
     * A contact reached the company: an inbound call or a form. {@code source}/{@code medium} are the call tracker's,
     * {@code (direct)}/{@code (none)} for a call no tracker attributed.
     *
     * @param contact the caller's number as the vendors send it (digits, country code first)
     */
    record Touch(String tenant, String contact, Instant at, String source, String medium, String campaign) implements Fact {
    }

    /**
     * A CRM deal as the CRM's API returns it after a change (Bitrix24's {@code crm.deal.get}, amoCRM's
     * {@code /api/v4/leads/{id}}).
     *
     * @param stageId  the CRM's stage: a Bitrix24 {@code STAGE_ID}, an amoCRM status id
     * @param semantic {@code P} in progress, {@code S} won, {@code F} lost
     * @param contact  the number of the deal's contact ({@code contactId}), digits as above
     */
    record DealState(String tenant, String dealId, String stageId, String semantic, long amount, String contactId,
                     String contact, Instant modifiedAt) implements Fact {
    }
}
