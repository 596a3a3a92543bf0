package io.leadflow.attribution;

import io.leadflow.avro.AttributedTouch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each model's credits on hand-computed cases, and every model's credits summing to 1. */
class AttributionModelTest {
    private static final Instant LEAD = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);
    /** Four touches: google 14 days before the lead, direct 7 days before, yandex 1 day before, and the direct call itself. */
    private static final List<AttributedTouch> TOUCHES = List.of(touch("a", "google", 14), touch("b", "(direct)", 7),
            touch("c", "yandex", 1), touch("d", "(direct)", 0));

    @Test
    void singleTouchModelsGiveEverythingToOneTouch() {
        assertThat(AttributionModel.FIRST_TOUCH.credits(TOUCHES, LEAD, WEEK)).containsExactly(1, 0, 0, 0);
        assertThat(AttributionModel.LAST_TOUCH.credits(TOUCHES, LEAD, WEEK)).containsExactly(0, 0, 0, 1);
        // the last touch is the direct call: last-non-direct looks past it to yandex
        assertThat(AttributionModel.LAST_NON_DIRECT.credits(TOUCHES, LEAD, WEEK)).containsExactly(0, 0, 1, 0);
        assertThat(AttributionModel.LAST_NON_DIRECT.credits(List.of(touch("x", "(direct)", 3), touch("y", "(direct)", 0)), LEAD, WEEK))
                .as("all direct: the last").containsExactly(0, 1);
    }

    @Test
    void sharingModelsSplitByTheirRules() {
        assertThat(AttributionModel.LINEAR.credits(TOUCHES, LEAD, WEEK)).containsExactly(0.25, 0.25, 0.25, 0.25);
        assertThat(AttributionModel.POSITION_BASED.credits(TOUCHES, LEAD, WEEK)).containsExactly(new double[]{0.4, 0.1, 0.1, 0.4},
                within(1e-12));
        assertThat(AttributionModel.POSITION_BASED.credits(TOUCHES.subList(0, 2), LEAD, WEEK)).containsExactly(0.5, 0.5);
        assertThat(AttributionModel.POSITION_BASED.credits(TOUCHES.subList(0, 1), LEAD, WEEK)).containsExactly(1.0);
        // weights 2^-2, 2^-1, 2^-(1/7), 1 for 14, 7, 1 and 0 days with a 7-day half-life
        double[] w = {0.25, 0.5, Math.pow(2, -1.0 / 7), 1};
        double total = Arrays.stream(w).sum();
        assertThat(AttributionModel.TIME_DECAY.credits(TOUCHES, LEAD, WEEK))
                .containsExactly(new double[]{w[0] / total, w[1] / total, w[2] / total, w[3] / total}, within(1e-12));
    }

    @Test
    void everyModelsCreditsSumToOne() {
        for (int n = 1; n <= 9; n++) {
            List<AttributedTouch> touches = new java.util.ArrayList<>();
            for (int i = n; i > 0; i--) {
                touches.add(touch("t" + i, i % 3 == 0 ? "(direct)" : "source-" + i, i * 2));
            }
            for (AttributionModel model : AttributionModel.values()) {
                assertThat(Arrays.stream(model.credits(touches, LEAD, WEEK)).sum()).as(model + " with " + touches.size())
                        .isCloseTo(1.0, within(1e-9));
            }
        }
        assertThat(AttributionModel.LINEAR.credits(List.of(), LEAD, WEEK)).isEmpty();
    }

    @Test
    void versionsNameTheRulesAndParameters() {
        assertThat(AttributionModel.TIME_DECAY.version(WEEK)).isEqualTo("time-decay/1 halfLife=PT168H");
        assertThat(AttributionModel.POSITION_BASED.version(WEEK)).isEqualTo("position-based/1");
    }

    private static AttributedTouch touch(String id, String source, int daysBefore) {
        return AttributedTouch.newBuilder().setTouchId(id).setAt(LEAD.minus(Duration.ofDays(daysBefore))).setChannel(TouchChannel.CALL)
                .setVendor(Vendor.CALLTOUCH).setSource(source).setMedium(source.equals("(direct)") ? "(none)" : "cpc").build();
    }
}
