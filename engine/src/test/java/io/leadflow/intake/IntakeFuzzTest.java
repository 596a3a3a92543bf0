package io.leadflow.intake;

import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.IntakeDriver;
import io.leadflow.testing.RawEnvelopes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the vendor parsers through the engine's intake: for every vendor format, a valid sample
 * mutated thousands of ways (seeded, so a failure reproduces) — bytes flipped, cut short, fields dropped, values
 * replaced by what vendors and attackers send (empty, huge, negative, non-ASCII, markup, impossible dates), or no
 * sample at all but random bytes. Whatever comes in: no exception escapes the topology (a stream thread would die),
 * and each record ends in exactly one of three ways — canonical events, one dead letter with its reason and the raw
 * bytes, or nothing (an event the engine ignores, or a repeat) — never half: events and a dead letter both.
 */
class IntakeFuzzTest {
    private static final int MUTATIONS = 1_500;
    private static final TenantConfig DEMO_TENANT = LeadflowConfig.load(null).tenant("demo").orElseThrow();
    private static final TenantConfig WITH_CRM_APIS = DEMO_TENANT.withAmoCrm(new TenantConfig.AmoCrmConfig(
            DEMO_TENANT.amocrm().secret(), "http://amocrm.invalid", "token", null, null, 777L));
    private static final VendorRequests DEMO = new VendorRequests("demo", DEMO_TENANT);
    private static final Instant AT = Instant.parse("2024-05-21T11:03:27Z");
    private static final String[] NASTY = {"", "null", "-1", "0", "99999999999999999999999", "1e308", "NaN", "Ω≈ç√", "<script>x</script>",
            "'; DROP TABLE leads; --", "2024-13-45 25:61:61", "[]", "{}", "\\u0000", "+7 (000) 000-00-00", "sip:@", "%00", "true"};

    @TempDir
    Path stateDir;

    record Sample(String name, Vendor vendor, String kind, RawEnvelope envelope) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Sample> samples() {
        Map<String, String> zadarma = VendorPayloads.zadarmaEnd("in_1", true, "79161234567", "100", "74951234567", AT, 30, true,
                ZoneId.of("Europe/Moscow"));
        Map<String, String> calltouch = new LinkedHashMap<>(Map.of("id", "501", "callerphone", "79161234567", "phonenumber", "74953079699",
                "calltime", "21/05/2024 14:03:27", "duration", "45", "status", "successful", "source", "yandex", "medium", "cpc",
                "city", "Moscow"));
        Map<String, String> amo = VendorPayloads.amocrmLead("status", "101", "556", "555", "9001", 150_000L, AT);
        String mango = VendorPayloads.mangoSummary("e-1", true, "79161234567", "101", "74951234567", AT, AT.plusSeconds(4), AT.plusSeconds(60));
        String bitrix = """
                {"event":"ONCRMDEALUPDATE","ts":"1716289407","deal":{"ID":"4711","STAGE_ID":"C1:WON","STAGE_SEMANTIC_ID":"S",
                 "CATEGORY_ID":"1","OPPORTUNITY":"150000.00","CURRENCY_ID":"RUB","ASSIGNED_BY_ID":"9","CONTACT_ID":"31",
                 "DATE_MODIFY":"2024-05-21T14:03:27+03:00"},"contact":{"ID":"31","PHONE":[{"VALUE":"8 (916) 123-45-67"}]}}""";
        String amoFetched = """
                {"event":"leads/status","lead":{"id":101,"price":150000,"status_id":142,"pipeline_id":7,"updated_at":1716289407,
                 "custom_fields_values":[{"field_id":777,"values":[{"value":"Bathhouse"}]}]},
                 "contact":{"id":31,"custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+79161234567"}]}]}}""";
        return Stream.of(
                new Sample("mango summary", Vendor.MANGO, "events/summary", RawEnvelopes.of(Vendor.MANGO, "events/summary", "m", DEMO.mango("summary", mango))),
                new Sample("zadarma end", Vendor.ZADARMA, "NOTIFY_END", RawEnvelopes.of(Vendor.ZADARMA, "NOTIFY_END", "z", DEMO.zadarma(zadarma))),
                new Sample("calltouch call", Vendor.CALLTOUCH, "call", RawEnvelopes.of(Vendor.CALLTOUCH, "call", "c", DEMO.calltouch(calltouch, true))),
                new Sample("bitrix24 deal", Vendor.BITRIX24, "rest/crm.deal.get", RawEnvelopes.pulled(Vendor.BITRIX24, "demo", "rest/crm.deal.get", "b", bitrix)),
                new Sample("amocrm webhook", Vendor.AMOCRM, "leads/status", RawEnvelopes.of(Vendor.AMOCRM, "leads/status", "a", DEMO.amocrm(amo))),
                new Sample("amocrm fetched deal", Vendor.AMOCRM, "api/v4/leads", RawEnvelopes.pulled(Vendor.AMOCRM, "crm", "api/v4/leads", "f", amoFetched)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void noMutationCrashesTheIntakeAndEachRecordEndsInEventsOrOneDeadLetterNeverBoth(Sample sample) {
        // the "crm" tenant has API access to amoCRM, so that fetched deals are parsed (its webhooks then yield nothing)
        LeadflowConfig config = new LeadflowConfig(Map.of("demo", DEMO_TENANT, "crm", WITH_CRM_APIS));
        Random random = new Random(sample.name().hashCode());
        try (IntakeDriver intake = new IntakeDriver("fuzz-" + sample.vendor().name().toLowerCase(java.util.Locale.ROOT), config,
                stateDir.resolve(sample.vendor().name()))) {
            EngineDriver engine = intake.engine();
            TestOutputTopic<RawKey, DeadLetter> deadLetters = engine.output(engine.topics().deadLetter());
            int parsed = 0;
            int rejected = 0;
            for (int i = 0; i <= MUTATIONS; i++) {
                byte[] body = i == 0 ? bytes(sample.envelope()) : mutate(bytes(sample.envelope()), random);
                RawEnvelope envelope = RawEnvelope.newBuilder(sample.envelope()).setDedupeKey(sample.name() + "#" + i)
                        .setRequestId("fuzz-" + i).setBody(ByteBuffer.wrap(body)).build();

                engine.input(engine.topics().raw(sample.vendor())).pipeInput(new RawKey(envelope.getTenant(), "fuzz-" + i), envelope, AT);

                int events = intake.handedOn().size();
                List<DeadLetter> dead = new ArrayList<>();
                deadLetters.readValuesToList().forEach(dead::add);
                String input = new String(body, StandardCharsets.UTF_8);
                assertThat(dead).as("at most one dead letter for %s", input).hasSizeLessThanOrEqualTo(1);
                assertThat(events > 0 && !dead.isEmpty()).as("events and a dead letter for %s", input).isFalse();
                if (i == 0 && sample.name().equals("amocrm webhook")) {
                    // names the deal only: nothing for a lead until the enricher stores the deal with its contact
                    assertThat(dead).as("the valid sample is no error").isEmpty();
                } else if (i == 0) {
                    assertThat(events).as("the valid sample reaches a lead").isPositive();
                }
                for (DeadLetter letter : dead) {
                    assertThat(letter.getReason()).as("the reason").isNotBlank();
                    byte[] kept = new byte[letter.getValue().remaining()];
                    letter.getValue().duplicate().get(kept);
                    assertThat(kept).as("the raw bytes, as they came").isEqualTo(body);
                }
                parsed += events > 0 ? 1 : 0;
                rejected += dead.size();
            }
            System.out.printf("%s: %d mutations, %d parsed, %d dead-lettered, %d ignored%n", sample.name(), MUTATIONS, parsed,
                    rejected, MUTATIONS + 1 - parsed - rejected);
            assertThat(rejected).as("the fuzzer reached the parser's error paths").isPositive();
        }
    }

    private static byte[] bytes(RawEnvelope envelope) {
        ByteBuffer body = envelope.getBody().duplicate();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return bytes;
    }

    /** One of: flipped bytes, a cut, a dropped field, a nasty value in place of one, or noise. */
    static byte[] mutate(byte[] valid, Random random) {
        String text = new String(valid, StandardCharsets.UTF_8);
        return switch (random.nextInt(6)) {
            case 0 -> {
                byte[] copy = valid.clone();
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield copy;
            }
            case 1 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 2 -> dropField(text, random).getBytes(StandardCharsets.UTF_8);
            case 3, 4 -> replaceValue(text, random).getBytes(StandardCharsets.UTF_8);
            default -> {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                yield noise;
            }
        };
    }

    /** A form's {@code k=v} or a JSON's {@code "k": v} taken out. */
    private static String dropField(String text, Random random) {
        List<int[]> spans = spans(text, text.startsWith("{") ? "\"[A-Za-z_]+\"\\s*:\\s*(\"[^\"]*\"|[^,}\\]]*)" : "[^&=]+=[^&]*");
        if (spans.isEmpty()) {
            return text;
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        return text.substring(0, span[0]) + text.substring(span[1]);
    }

    /** A value replaced: in JSON the text after a key's colon, in a form the text after '='. */
    private static String replaceValue(String text, Random random) {
        String nasty = NASTY[random.nextInt(NASTY.length)];
        boolean json = text.startsWith("{");
        List<int[]> spans = spans(text, json ? ":\\s*(\"[^\"]*\"|[0-9.\\-]+|true|false|null)" : "=[^&]*");
        if (spans.isEmpty()) {
            return text;
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        String value = json ? ":" + (random.nextBoolean() ? "\"" + nasty.replace("\"", "") + "\"" : nasty.isEmpty() ? "\"\"" : nasty)
                : "=" + java.net.URLEncoder.encode(nasty, StandardCharsets.UTF_8);
        return text.substring(0, span[0]) + value + text.substring(span[1]);
    }

    private static List<int[]> spans(String text, String regex) {
        List<int[]> spans = new ArrayList<>();
        var m = java.util.regex.Pattern.compile(regex).matcher(text);
        while (m.find()) {
            spans.add(new int[]{m.start(), m.end()});
        }
        return spans;
    }
}
