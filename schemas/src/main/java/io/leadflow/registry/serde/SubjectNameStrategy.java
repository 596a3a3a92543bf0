package io.leadflow.registry.serde;

import org.apache.avro.Schema;

import java.util.Locale;

/** How a topic and a record schema map to a registry subject, with Confluent's strategies and names. */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, across topics. */
    RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<full name>}: several record types per topic, each with its lineage. */
    TOPIC_RECORD_NAME {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    public abstract String subject(String topic, boolean isKey, Schema schema);

    /**
     * Accepts a short name ({@code TopicNameStrategy}) or a class name, Confluent's
     * ({@code io.confluent.kafka.serializers.subject.RecordNameStrategy}) included.
     */
    public static SubjectNameStrategy parse(String name) {
        String simple = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (simple) {
            case "topicnamestrategy", "topic_name" -> TOPIC_NAME;
            case "recordnamestrategy", "record_name" -> RECORD_NAME;
            case "topicrecordnamestrategy", "topic_record_name" -> TOPIC_RECORD_NAME;
            default -> throw new IllegalArgumentException("Unknown subject name strategy '" + name
                    + "'; use TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        };
    }
}
