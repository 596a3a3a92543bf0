package io.leadflow.intake;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.geocoding.PhoneNumberOfflineGeocoder;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Phone numbers to E.164 with libphonenumber. Vendors write the same number as {@code 79161234567},
 * {@code 89161234567}, {@code +7 (916) 123-45-67} or {@code sip:79161234567@vpbx.mangosip.ru}; the
 * contact identity must be one string for all of them.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumberOfflineGeocoder GEOCODER = PhoneNumberOfflineGeocoder.getInstance();
    private static final Pattern SIP_URI = Pattern.compile("^sips?:([^@;]+)(?:@[^;]*)?(?:;.*)?$", Pattern.CASE_INSENSITIVE);

    private PhoneNumbers() {
    }

    /**
     * @param region ISO country assumed for numbers without a country code (e.g. {@code RU})
     * @return the E.164 form, or empty when the text is not a possible phone number
     */
    public static Optional<String> toE164(String raw, String region) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String text = raw.trim();
        var sip = SIP_URI.matcher(text);
        if (sip.matches()) {
            text = sip.group(1);
        }
        try {
            PhoneNumber number = UTIL.parse(text, region);
            if (!UTIL.isPossibleNumber(number)) {
                // "79161234567": a country code written without '+' that the region-relative parse misread
                String digits = text.replaceAll("\\D", "");
                if (digits.length() > 10 && !text.startsWith("+")) {
                    number = UTIL.parse("+" + digits, region);
                }
            }
            return UTIL.isPossibleNumber(number)
                    ? Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Where an E.164 number is registered, as libphonenumber's offline geocoder says, in English: a landline's city or
     * region ({@code +7 495} Moscow, {@code +7 812} St Petersburg), a mobile's country only (Russian mobile ranges are
     * not regional, and numbers move between operators and regions); empty when it does not know.
     */
    public static Optional<String> whereRegistered(String e164) {
        try {
            String place = GEOCODER.getDescriptionForNumber(UTIL.parse(e164, null), Locale.ENGLISH);
            return place.isBlank() ? Optional.empty() : Optional.of(place);
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
