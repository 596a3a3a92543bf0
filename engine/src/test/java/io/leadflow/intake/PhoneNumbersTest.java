package io.leadflow.intake;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNumbersTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "79161234567", "89161234567", "+79161234567", "+7 (916) 123-45-67", "8 916 123 45 67",
            "sip:79161234567@vpbx400000000.mangosip.ru", "SIP:+79161234567@example.org;transport=udp", " 7-916-123-45-67 "})
    void everyVendorSpellingOfOneNumberIsOneContact(String raw) {
        assertThat(PhoneNumbers.toE164(raw, "RU")).contains("+79161234567");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({"74951234567,RU,+74951234567", "+375291234567,RU,+375291234567", "0291234567,BY,+375291234567"})
    void regionAppliesOnlyToNumbersWithoutCountryCode(String raw, String region, String expected) {
        assertThat(PhoneNumbers.toE164(raw, region)).contains(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "   ", "anonymous", "123", "sip:101@vpbx.mangosip.ru", "not a phone"})
    void whatIsNotAPhoneIsEmpty(String raw) {
        assertThat(PhoneNumbers.toE164(raw, "RU")).isEmpty();
    }

    @ParameterizedTest(name = "{0} is registered in {1}")
    @CsvSource({"+74951234567,Moscow", "+78121234567,St Petersburg", "+78612345678,Krasnodar Territory",
            "+79161234567,Russia", "+375291234567,Belarus"})
    void aLandlineIsPlacedInItsCityAndAMobileInItsCountry(String e164, String place) {
        assertThat(PhoneNumbers.whereRegistered(e164)).contains(place);
    }
}
