package io.leadflow.attribution;

import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.AttributionReason;
import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.ModelCredits;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.testing.EngineDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Attribution through the whole engine topology: a lead credited to the touches before it under every model, a
 * tracker's late report correcting a call the PBX reported first, a touch turning up late, revenue when the deal is
 * won, and no phone number on the marketing topic.
 */
class AttributionTopologyTest {
    private static final ContactKey CALLER = new ContactKey("acme", "+79161234567");
    private static final Instant T0 = Instant.parse("2026-11-16T07:00:00Z");
    private static final String CONFIG = """
            tenants:
              acme:
                timeZone: Europe/Moscow
                mango: {apiKey: k, apiSalt: s}
                calltouch: {secret: ct}
                roster: {teams: {sales: {fallback: true}}, managers: {anna: {team: sales, extensions: ["101"]}}}
                attribution:
                  hashSecret: s3cret
                  lookback: P30D
                  offlineNumbers: {"+7 495 111-22-33": {source: billboard, campaign: mkad}}
              other:
                mango: {apiKey: k2, apiSalt: s2}
                leads: {idSecret: other-lead-id-secret}
            """;

    @TempDir
    Path dir;

    @Test
    void aCallTheTrackerSawAfterAFormIsCreditedToBothUnderEveryModelAndTheWonDealsRevenueFollows() throws IOException {
        try (EngineDriver engine = engine()) {
            // Given a form from a Google ad ten days ago, which opens the lead, then a tracked call from Yandex today
            touch(engine, "ct:form:1", TouchChannel.FORM, "google", "cpc", T0.minus(Duration.ofDays(10)));
            touch(engine, "ct:call:2", TouchChannel.CALL, "yandex", "cpc", T0);
            // When the deal is won with 150 000
            won(engine, 150_000, T0.plus(Duration.ofDays(3)));

            // Then the lead is credited to the form that brought it (the later call is a touch of the open lead, not of how
            // it was won over), and the won deal's revenue follows the same credits
            List<AttributionEvent> events = attribution(engine);
            // (nobody answered the form within its 24-hour SLA: that is an outcome marketing sees too; the deal won
            // qualifies it)
            assertThat(events).extracting(AttributionEvent::getRevision, AttributionEvent::getReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, AttributionReason.LEAD_CREATED),
                            org.assertj.core.groups.Tuple.tuple(2, AttributionReason.SLA_BREACHED),
                            org.assertj.core.groups.Tuple.tuple(3, AttributionReason.DEAL_WON));
            AttributionEvent first = events.get(0);
            assertThat(first.getTouches()).extracting(t -> t.getSource() + "/" + t.getMedium()).containsExactly("google/cpc");
            assertThat(first.getAnswered()).isFalse();
            AttributionEvent won = events.get(2);
            assertThat(won.getResponded()).isFalse();
            assertThat(won.getResponseSlaBreached()).isTrue();
            assertThat(won.getQualified()).isTrue();
            assertThat(won.getWon()).isTrue();
            assertThat(won.getRevenue()).isEqualTo(150_000.0);
            assertThat(credits(won, "first-touch")).containsExactly(1.0);
            assertThat(won.getModels()).allSatisfy(m -> {
                assertThat(m.getCredits().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
                assertThat(m.getRevenue().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(150_000.0, within(1e-6));
            });
        }
    }

    @Test
    void theTrackersReportOfACallThePbxReportedFirstCorrectsItsSourceAndALateEarlierTouchJoinsTheCredits() throws IOException {
        try (EngineDriver engine = engine()) {
            // Given a call the PBX reports first: no tracker has said where it came from yet
            call(engine, "mango:summary:1", "+74951234567", T0);
            // When CallTouch reports the same call a minute later (a correction), and then, hours late, a visit from
            // an email campaign two days before the call
            calltouchCall(engine, "ct:call:1", "+74951234567", "yandex", "cpc", T0.plusSeconds(20));
            touch(engine, "ct:form:0", TouchChannel.FORM, "newsletter", "email", T0.minus(Duration.ofDays(2)));

            List<AttributionEvent> events = attribution(engine);
            // (the call was answered on 101: that is its first response, within the SLA)
            assertThat(events).extracting(AttributionEvent::getReason).containsExactly(AttributionReason.LEAD_CREATED,
                    AttributionReason.LEAD_RESPONDED, AttributionReason.TOUCH_CORRECTED, AttributionReason.LATE_TOUCH);
            assertThat(events.get(0).getAnswered()).isTrue();
            assertThat(events.get(1).getResponded()).isTrue();
            assertThat(events.get(1).getResponseSlaBreached()).isFalse();
            // Then the first revisions have the call as direct, the correction gives it the tracker's source
            assertThat(events.get(1).getTouches()).extracting(t -> t.getSource()).containsExactly("(direct)");
            assertThat(events.get(2).getTouches()).extracting(t -> t.getSource() + "/" + t.getMedium()).containsExactly("yandex/cpc");
            // and the late touch joins: first-touch moves to it, last-touch stays with the call
            AttributionEvent latest = events.get(3);
            assertThat(latest.getRevision()).isEqualTo(4);
            assertThat(latest.getEventId()).isEqualTo(latest.getLeadId() + "#4");
            assertThat(latest.getTouches()).extracting(t -> t.getSource()).containsExactly("newsletter", "yandex");
            assertThat(credits(latest, "first-touch")).containsExactly(1.0, 0.0);
            assertThat(credits(latest, "last-touch")).containsExactly(0.0, 1.0);
            assertThat(credits(latest, "linear")).containsExactly(0.5, 0.5);
        }
    }

    @Test
    void aCallToAnAdvertisedStaticNumberIsCreditedToItsOfflineChannel() throws IOException {
        try (EngineDriver engine = engine()) {
            call(engine, "mango:summary:7", "+74951112233", T0);

            AttributionEvent event = attribution(engine).get(0);
            assertThat(event.getTouches()).extracting(t -> t.getSource() + "/" + t.getMedium() + "/" + t.getCampaign() + "/" + t.getLine())
                    .containsExactly("billboard/offline/mkad/+74951112233");
        }
    }

    @Test
    void theMarketingTopicCarriesTheContactOnlyAsItsKeyedHashAndNothingForATenantWithoutASecret() throws IOException {
        try (EngineDriver engine = engine()) {
            touch(engine, "ct:form:1", TouchChannel.FORM, "google", "cpc", T0);
            call(engine, "mango:summary:1", "+74951234567", T0.plusSeconds(600));
            engine.calls().pipeInput(new ContactKey("other", "+79160000000"),
                    CallEvent.newBuilder(callEvent("mango:summary:9", "+74951234567", T0)).setTenant("other").setContact("+79160000000").build(), T0);

            List<TestRecord<byte[], byte[]>> raw = engine.driver().createOutputTopic(engine.topics().attribution().name(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
            assertThat(raw).isNotEmpty();
            for (TestRecord<byte[], byte[]> record : raw) {
                String bytes = new String(record.key(), StandardCharsets.ISO_8859_1) + new String(record.value(), StandardCharsets.ISO_8859_1);
                assertThat(bytes).doesNotContain("9161234567").doesNotContain("79160000000");
            }
            AttributionEvent event = engine.topics().attribution().valueSerde().deserializer()
                    .deserialize(engine.topics().attribution().name(), raw.get(0).value());
            assertThat(event.getContactHash()).isEqualTo(Signatures.hmacSha256Hex("s3cret", "+79161234567")).hasSize(64);
            assertThat(event.getTenant()).isEqualTo("acme");
            assertThat(raw).allSatisfy(r -> assertThat(engine.topics().attribution().keySerde().deserializer()
                    .deserialize(engine.topics().attribution().name(), r.key()).getTenant()).isEqualTo("acme"));
        }
    }

    @Test
    void aCorrectionMovesALeadBetweenChannelSlicesWithoutCountingItTwice() throws IOException {
        try (EngineDriver engine = engine()) {
            // Given a call the PBX reported first (direct), then CallTouch's report of it (yandex), and a second caller
            // from yandex whose deal is won with 90 000
            call(engine, "mango:summary:1", "+74951234567", T0);
            flush(engine); // the direct slice's figures go out with this commit interval's sums
            calltouchCall(engine, "ct:call:1", "+74951234567", "yandex", "cpc", T0.plusSeconds(20));
            ContactKey second = new ContactKey("acme", "+79169999999");
            Touch form = Touch.newBuilder().setTouchId("ct:form:9").setTenant("acme").setVendor(Vendor.CALLTOUCH).setContact(second.getContact())
                    .setChannel(TouchChannel.FORM).setOccurredAt(T0.plusSeconds(600)).setSource("yandex").setMedium("cpc").build();
            engine.touches().pipeInput(second, form, T0.plusSeconds(600));
            CrmStageChange won = CrmStageChange.newBuilder().setEventId("bitrix24:deal:9:WON").setTenant("acme").setVendor(Vendor.BITRIX24)
                    .setEntityType(CrmEntityType.DEAL).setEntityId("9").setStageId("C1:WON").setOutcome(StageOutcome.WON)
                    .setAmount(BigDecimal.valueOf(90_000)).setContact(second.getContact()).setOccurredAt(T0.plus(Duration.ofDays(1))).build();
            engine.crmStageChange(won, T0.plus(Duration.ofDays(1)));
            flush(engine);

            // Then, under the linear model, the day's direct slice is empty again and the yandex slice has both leads
            Map<ChannelKey, ChannelPerformance> slices = engine.output(engine.topics().channelPerformance()).readKeyValuesToMap();
            ChannelPerformance direct = slices.get(new ChannelKey("acme", "2026-11-16", "linear/1", "(direct)", "(none)", ""));
            assertThat(direct.getLeads()).isZero();
            assertThat(direct.getUniqueContacts()).isZero();
            ChannelPerformance yandex = slices.get(new ChannelKey("acme", "2026-11-16", "linear/1", "yandex", "cpc", ""));
            assertThat(yandex.getLeads()).isEqualTo(2.0);
            assertThat(yandex.getUniqueContacts()).isEqualTo(2);
            assertThat(yandex.getAnswered()).as("the call was answered, the form not").isEqualTo(1.0);
            assertThat(yandex.getWon()).isEqualTo(1.0);
            assertThat(yandex.getRevenue()).isEqualTo(90_000.0);
            assertThat(yandex.getRespondedWithinSla()).as("the call was answered at once; nobody responded to the form")
                    .isEqualTo(1.0);
            // and every model's slices add up to the two leads
            for (AttributionModel model : AttributionModel.values()) {
                assertThat(slices.values().stream().filter(p -> p.getModel().startsWith(model.id() + "/"))
                        .mapToDouble(ChannelPerformance::getLeads).sum()).as(model.id()).isCloseTo(2.0, within(1e-9));
            }
        }
    }

    @Test
    void theChannelChangesOfACommitIntervalLeaveAsOneSumPerSliceWithEachContactsPresence() throws IOException {
        try (EngineDriver engine = engine()) {
            // Given forms from yandex by two contacts within one commit interval
            for (String[] form : new String[][]{{"ct:form:1", "+79160000001"}, {"ct:form:2", "+79160000002"}}) {
                ContactKey contact = new ContactKey("acme", form[1]);
                engine.touches().pipeInput(contact, Touch.newBuilder().setTouchId(form[0]).setTenant("acme").setVendor(Vendor.CALLTOUCH)
                        .setContact(form[1]).setChannel(TouchChannel.FORM).setOccurredAt(T0).setSource("yandex").setMedium("cpc").build(), T0);
            }
            var deltas = engine.output(engine.topics().channelDeltas());
            assertThat(deltas.isEmpty()).as("nothing leaves before the interval ends").isTrue();

            // When the interval ends
            flush(engine);

            // Then each model's yandex slice gets one delta: both leads, both contacts
            ChannelKey linear = new ChannelKey("acme", "2026-11-16", "linear/1", "yandex", "cpc", "");
            assertThat(deltas.readKeyValuesToList()).filteredOn(kv -> kv.key.equals(linear)).singleElement().satisfies(kv -> {
                assertThat(kv.value.getLeads()).isEqualTo(2.0);
                assertThat(ChannelShares.presence(kv.value)).hasSize(2).containsValues(1, 1);
            });
            assertThat(engine.output(engine.topics().channelPerformance()).readKeyValuesToMap().get(linear).getUniqueContacts()).isEqualTo(2);
        }
    }

    /** The end of a commit interval: each task's channel changes, summed per slice, go to the aggregate. */
    private static void flush(EngineDriver engine) {
        engine.driver().advanceWallClockTime(Duration.ofSeconds(1));
    }

    @Test
    void replayingTheSameLogGivesTheSameAttribution() throws IOException {
        assertThat(replay("first")).isEqualTo(replay("second")).hasSizeGreaterThan(3);
    }

    private List<AttributionEvent> replay(String run) throws IOException {
        Path config = Files.writeString(dir.resolve(run + ".yaml"), CONFIG);
        try (EngineDriver engine = new EngineDriver("attribution-topology-test", LeadflowConfig.load(config), dir.resolve(run),
                T0.plus(Duration.ofDays(5)))) {
            touch(engine, "ct:form:1", TouchChannel.FORM, "google", "cpc", T0.minus(Duration.ofDays(3)));
            call(engine, "mango:summary:1", "+74951234567", T0);
            calltouchCall(engine, "ct:call:1", "+74951234567", "yandex", "cpc", T0.plusSeconds(30));
            call(engine, "mango:summary:2", "+74951112233", T0.plus(Duration.ofDays(1)));
            won(engine, 90_000, T0.plus(Duration.ofDays(2)));
            return attribution(engine);
        }
    }

    private EngineDriver engine() throws IOException {
        Path config = Files.writeString(dir.resolve("leadflow.yaml"), CONFIG);
        return new EngineDriver("attribution-topology-test", LeadflowConfig.load(config), dir.resolve("state"), T0.plus(Duration.ofDays(5)));
    }

    private static void touch(EngineDriver engine, String id, TouchChannel channel, String source, String medium, Instant at) {
        Touch touch = Touch.newBuilder().setTouchId(id).setTenant("acme").setVendor(Vendor.CALLTOUCH).setContact(CALLER.getContact())
                .setChannel(channel).setOccurredAt(at).setSource(source).setMedium(medium).setCampaign("spring").setKeyword("buy a house")
                .setCity("Moscow").build();
        engine.touches().pipeInput(CALLER, touch, at);
    }

    private static void calltouchCall(EngineDriver engine, String id, String line, String source, String medium, Instant at) {
        Touch touch = Touch.newBuilder().setTouchId(id).setTenant("acme").setVendor(Vendor.CALLTOUCH).setContact(CALLER.getContact())
                .setChannel(TouchChannel.CALL).setOccurredAt(at).setLine(line).setSource(source).setMedium(medium).setAnswered(true).build();
        engine.touches().pipeInput(CALLER, touch, at);
    }

    private static void call(EngineDriver engine, String id, String line, Instant at) {
        engine.calls().pipeInput(CALLER, callEvent(id, line, at), at);
    }

    private static CallEvent callEvent(String id, String line, Instant at) {
        return CallEvent.newBuilder().setEventId(id).setTenant("acme").setVendor(Vendor.MANGO).setCallId(id).setContact(CALLER.getContact())
                .setLine(line).setDirection(CallDirection.INBOUND).setStatus(CallStatus.ANSWERED).setExtension("101").setTalkSeconds(60)
                .setStartedAt(at).build();
    }

    private static void won(EngineDriver engine, long amount, Instant at) {
        CrmStageChange change = CrmStageChange.newBuilder().setEventId("bitrix24:deal:5:WON").setTenant("acme").setVendor(Vendor.BITRIX24)
                .setEntityType(CrmEntityType.DEAL).setEntityId("5").setStageId("C1:WON").setOutcome(StageOutcome.WON)
                .setAmount(BigDecimal.valueOf(amount)).setContact(CALLER.getContact()).setOccurredAt(at).build();
        engine.crmStageChange(change, at);
    }

    private static List<AttributionEvent> attribution(EngineDriver engine) {
        return engine.output(engine.topics().attribution()).readValuesToList();
    }

    private static List<Double> credits(AttributionEvent event, String model) {
        return event.getModels().stream().filter(m -> m.getModel().equals(model)).map(ModelCredits::getCredits).findFirst().orElseThrow();
    }
}
