package io.leadflow.intake;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VendorValuesTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @Test
    void amountsAreReadWithCommasSpacesAndTwoPlaces() {
        assertThat(VendorValues.amount("1 500,5", "price")).isEqualTo(new BigDecimal("1500.50"));
        assertThat(VendorValues.amount("150000", "price")).isEqualTo(new BigDecimal("150000.00"));
        assertThat(VendorValues.amount("", "price")).isNull();
        assertThatThrownBy(() -> VendorValues.amount("much", "price")).isInstanceOf(UnparseableEvent.class).hasMessageContaining("price");
    }

    @Test
    void timesAreEpochSecondsEpochMillisOrLocalTextInTheTenantsZone() {
        Instant expected = Instant.parse("2024-05-21T11:03:27Z");
        assertThat(VendorValues.time("1716289407", "t", MOSCOW)).isEqualTo(expected);
        assertThat(VendorValues.time("1716289407000", "t", MOSCOW)).isEqualTo(expected);
        assertThat(VendorValues.time("21/05/2024 14:03:27", "t", MOSCOW, "yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy H:mm:ss")).isEqualTo(expected);
        assertThat(VendorValues.time("2024-05-21 14:03:27", "t", ZoneId.of("UTC"), "yyyy-MM-dd HH:mm:ss"))
                .isEqualTo(Instant.parse("2024-05-21T14:03:27Z"));
        assertThatThrownBy(() -> VendorValues.time("yesterday", "calltime", MOSCOW, "dd/MM/yyyy H:mm:ss"))
                .isInstanceOf(UnparseableEvent.class).hasMessageContaining("calltime").hasMessageContaining("yesterday");
        assertThatThrownBy(() -> VendorValues.time(" ", "calltime", MOSCOW)).hasMessageContaining("missing");
    }

    @Test
    void integersMayComeAsTextAndBlankIsZero() {
        assertThat(VendorValues.integer(" 42 ", "duration")).isEqualTo(42);
        assertThat(VendorValues.integer(null, "duration")).isZero();
        assertThatThrownBy(() -> VendorValues.integer("4x", "duration")).isInstanceOf(UnparseableEvent.class);
    }
}
