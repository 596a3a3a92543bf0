package io.leadflow.registry.serde;

import java.util.Map;

/**
 * Serde settings, with Confluent's config names so existing configurations carry over.
 *
 * @param autoRegister register the record's schema on first use; when false it must already be registered
 */
public record AvroSerdeConfig(boolean autoRegister, SubjectNameStrategy keyStrategy, SubjectNameStrategy valueStrategy) {
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";

    public static AvroSerdeConfig from(Map<String, ?> configs) {
        return new AvroSerdeConfig(
                !"false".equalsIgnoreCase(String.valueOf(configs.get(AUTO_REGISTER_SCHEMAS))),
                strategy(configs.get(KEY_SUBJECT_NAME_STRATEGY)),
                strategy(configs.get(VALUE_SUBJECT_NAME_STRATEGY)));
    }

    private static SubjectNameStrategy strategy(Object value) {
        if (value == null) {
            return SubjectNameStrategy.TOPIC_NAME;
        }
        return value instanceof Class<?> c ? SubjectNameStrategy.parse(c.getName()) : SubjectNameStrategy.parse(value.toString());
    }
}
